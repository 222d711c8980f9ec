use super::*;

/// The parameters LLVM uses on x86-64.
fn llvm_params() -> Params {
    Params {
        min_inst_length: 1,
        default_is_stmt: true,
        line_base: -5,
        line_range: 14,
        opcode_base: 13,
        standard_lengths: vec![0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1],
    }
}

fn rows(sequences: &[Sequence]) -> Vec<Row> {
    sequences
        .iter()
        .flat_map(|s| &s.ops)
        .filter_map(|op| match op {
            Op::Row(row) => Some(*row),
            Op::Verbatim { .. } => None,
        })
        .collect()
}

fn verbatims(sequences: &[Sequence]) -> Vec<Vec<u8>> {
    sequences
        .iter()
        .flat_map(|s| &s.ops)
        .filter_map(|op| match op {
            Op::Verbatim { bytes, .. } => Some(bytes.clone()),
            Op::Row(_) => None,
        })
        .collect()
}

/// Encodes all sequences into one program and decodes it again.
fn round_trip(sequences: &[Sequence], params: &Params) -> (Vec<u8>, Vec<Sequence>) {
    let mut program = Vec::new();
    let mut moved = Vec::new();
    for sequence in sequences {
        encode(&sequence.ops, params, &mut program, &mut moved).expect("encodes");
    }
    let decoded = decode(&program, 0..program.len(), params).expect("decodes");
    (program, decoded)
}

fn set_address(out: &mut Vec<u8>, address: u64) {
    out.extend_from_slice(&[0, 9, DW_LNE_SET_ADDRESS]);
    out.extend_from_slice(&address.to_le_bytes());
}

/// A program using every standard opcode, several extended ones and
/// special opcodes, in two sequences.
fn everything_program() -> Vec<u8> {
    let mut p = Vec::new();
    set_address(&mut p, 0x1000);
    p.extend_from_slice(&[DW_LNS_ADVANCE_LINE, 41]); // line 42
    p.extend_from_slice(&[DW_LNS_SET_COLUMN, 7]);
    p.push(DW_LNS_SET_PROLOGUE_END);
    p.push(DW_LNS_COPY);
    p.push(13 + 5 + 14 * 3); // special: address +3, line +0
    p.extend_from_slice(&[DW_LNS_ADVANCE_LINE, 0x76]); // line -10
    p.push(DW_LNS_SET_BASIC_BLOCK);
    p.push(DW_LNS_NEGATE_STMT);
    p.push(13 + 5 + 14 * 2 + 2); // special: address +2, line +2
    p.push(DW_LNS_CONST_ADD_PC); // address +17
    p.extend_from_slice(&[0, 2, DW_LNE_SET_DISCRIMINATOR, 3]);
    p.extend_from_slice(&[DW_LNS_SET_FILE, 2]);
    p.push(13 + 5 + 14); // special: address +1
    p.extend_from_slice(&[DW_LNS_FIXED_ADVANCE_PC, 0x34, 0x12]);
    p.extend_from_slice(&[DW_LNS_SET_ISA, 5]);
    p.push(DW_LNS_SET_EPILOGUE_BEGIN);
    p.extend_from_slice(&[DW_LNS_ADVANCE_LINE, 0xe4, 0x00]); // line +100
    p.push(DW_LNS_COPY);
    p.extend_from_slice(&[0, 3, 0x80, 0xaa, 0xbb]); // unknown extended opcode
    p.extend_from_slice(&[DW_LNS_ADVANCE_PC, 0x90, 0x03]); // address +400
    p.extend_from_slice(&[0, 1, DW_LNE_END_SEQUENCE]);
    set_address(&mut p, 0x2000);
    p.extend_from_slice(&[DW_LNS_ADVANCE_LINE, 9]); // line 10
    p.push(DW_LNS_COPY);
    p.push(255); // the largest special opcode: address +17, line -1
    p.extend_from_slice(&[DW_LNS_ADVANCE_LINE, 0x77]); // line 0
    p.extend_from_slice(&[DW_LNS_ADVANCE_PC, 4]);
    p.extend_from_slice(&[0, 1, DW_LNE_END_SEQUENCE]);
    p
}

#[test]
fn decodes_every_opcode() {
    let params = llvm_params();
    let program = everything_program();
    let sequences = decode(&program, 0..program.len(), &params).expect("decodes");
    assert_eq!(sequences.len(), 2);
    assert_eq!(sequences[0].range.end, sequences[1].range.start);
    assert_eq!(sequences[0].address_operand(), Some(3));
    let rows = rows(&sequences);
    let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
    let addresses: Vec<u64> = rows.iter().map(|r| r.address).collect();
    assert_eq!(lines, [42, 42, 34, 34, 134, 134, 10, 9, 0]);
    assert_eq!(
        addresses,
        [0x1000, 0x1003, 0x1005, 0x1017, 0x224b, 0x23db, 0x2000, 0x2011, 0x2015]
    );
    assert!(rows[0].prologue_end && !rows[1].prologue_end);
    assert!(rows[2].basic_block && !rows[2].is_stmt && rows[3].file == 2);
    assert_eq!((rows[3].discriminator, rows[4].discriminator), (3, 0));
    assert!(rows[4].epilogue_begin && rows[4].isa == 5);
    assert!(rows[5].end_sequence && rows[8].end_sequence);
    assert_eq!(verbatims(&sequences).len(), 3);
}

#[test]
fn round_trip_gives_the_same_rows() {
    let params = llvm_params();
    let program = everything_program();
    let sequences = decode(&program, 0..program.len(), &params).expect("decodes");
    let (_, decoded) = round_trip(&sequences, &params);
    assert_eq!(rows(&decoded), rows(&sequences));
    assert_eq!(verbatims(&decoded), verbatims(&sequences));
}

#[test]
fn shifted_rows_round_trip() {
    let params = llvm_params();
    let program = everything_program();
    let mut sequences = decode(&program, 0..program.len(), &params).expect("decodes");
    for delta in [-5i64, 3, 300, 100_000] {
        for op in sequences.iter_mut().flat_map(|s| &mut s.ops) {
            if let Op::Row(row) = op {
                if row.line != 0 {
                    row.line = row.line.checked_add_signed(delta).expect("positive");
                }
            }
        }
        let (_, decoded) = round_trip(&sequences, &params);
        assert_eq!(rows(&decoded), rows(&sequences));
    }
}

#[test]
fn moved_records_where_verbatim_bytes_went() {
    let params = llvm_params();
    let program = everything_program();
    let sequences = decode(&program, 0..program.len(), &params).expect("decodes");
    let mut out = vec![0xee; 5];
    let mut moved = Vec::new();
    encode(&sequences[1].ops, &params, &mut out, &mut moved).expect("encodes");
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0].old, sequences[1].range.start);
    assert_eq!(moved[0].new, 5);
    assert_eq!(
        out[5..5 + moved[0].len],
        program[moved[0].old..][..moved[0].len]
    );
}

/// Rows from a small pseudo-random generator, to reach the encoder's
/// corner cases (large advances, lines outside the special range).
fn random_rows(seed: u64, count: usize) -> Vec<Op> {
    let mut state = seed;
    let mut next = move |bound: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % bound
    };
    let mut ops = vec![Op::Verbatim {
        bytes: [&[0, 9, DW_LNE_SET_ADDRESS][..], &[0; 8]].concat(),
        origin: 0,
        sets_address: Some(SetAddress {
            address: 0,
            operand: 3,
        }),
    }];
    let mut address = 0;
    for i in 0..count {
        address += [0, 1, 5, 17, 18, 40, 300, 70_000][next(8) as usize];
        ops.push(Op::Row(Row {
            address,
            file: 1 + next(3),
            line: [0, 1, 2, 9, 20, 1000][next(6) as usize] + next(5),
            column: next(4),
            is_stmt: next(2) == 0,
            basic_block: next(5) == 0,
            end_sequence: i + 1 == count,
            prologue_end: next(7) == 0,
            epilogue_begin: next(7) == 0,
            isa: next(2),
            discriminator: next(3),
        }));
    }
    ops
}

#[test]
fn random_rows_round_trip_under_several_headers() {
    let mut dwarf2 = llvm_params();
    dwarf2.opcode_base = 10;
    dwarf2.standard_lengths.truncate(9);
    let mut wide = llvm_params();
    wide.line_base = -3;
    wide.line_range = 12;
    wide.min_inst_length = 4;
    let mut positive_base = llvm_params();
    positive_base.line_base = 1;
    positive_base.line_range = 4;
    positive_base.default_is_stmt = false;
    for params in [llvm_params(), wide, positive_base] {
        for seed in 0..50 {
            let ops = random_rows(seed, 40);
            let mut program = Vec::new();
            encode(&ops, &params, &mut program, &mut Vec::new()).expect("encodes");
            let decoded = decode(&program, 0..program.len(), &params).expect("decodes");
            let expected = [Sequence { ops, range: 0..0 }];
            assert_eq!(rows(&decoded), rows(&expected), "seed {seed}");
        }
    }
    // A DWARF 2 header has no opcode for prologue_end: refuse, not guess.
    let ops = random_rows(1, 40);
    assert!(encode(&ops, &dwarf2, &mut Vec::new(), &mut Vec::new()).is_err());
}

#[test]
fn encoder_prefers_short_forms() {
    let params = llvm_params();
    let row = |address, line, end_sequence| {
        Op::Row(Row {
            address,
            line,
            end_sequence,
            ..Row::initial(&params)
        })
    };
    let ops = [row(0, 4, false), row(20, 4, false), row(37, 4, true)];
    let mut program = Vec::new();
    encode(&ops, &params, &mut program, &mut Vec::new()).expect("encodes");
    // special (line +3); const_add_pc + special (address +20);
    // const_add_pc (address +17) + end_sequence.
    assert_eq!(
        program,
        [
            13 + 8,
            DW_LNS_CONST_ADD_PC,
            13 + 5 + 14 * 3,
            DW_LNS_CONST_ADD_PC,
            0,
            1,
            1
        ]
    );
}

/// A DWARF 4 unit header around `program`.
fn dwarf4_unit(program: &[u8]) -> Vec<u8> {
    let mut header = vec![4, 0]; // version
    let mut rest = vec![1, 1, 1, 0xfb, 14, 13];
    rest.extend_from_slice(&llvm_params().standard_lengths);
    rest.extend_from_slice(b"dir\0\0a.c\0\x01\0\0\0");
    header.extend_from_slice(&(rest.len() as u32).to_le_bytes());
    header.extend_from_slice(&rest);
    header.extend_from_slice(program);
    let mut unit = (header.len() as u32).to_le_bytes().to_vec();
    unit.extend_from_slice(&header);
    unit
}

#[test]
fn parses_a_dwarf4_header() {
    let program = everything_program();
    let section = dwarf4_unit(&program);
    let unit = Unit::parse(&section, 0).expect("parses");
    assert_eq!(unit.range, 0..section.len());
    assert_eq!(unit.program, section.len() - program.len()..section.len());
    assert_eq!(unit.params, llvm_params());
    let sequences = decode(&section, unit.program.clone(), &unit.params).expect("decodes");
    assert_eq!(sequences[0].address_operand(), Some(unit.program.start + 3));
}

#[test]
fn truncated_input_is_an_error() {
    let params = llvm_params();
    let program = everything_program();
    for end in 0..program.len() {
        // Any prefix decodes or fails cleanly; none panics.
        let _ = decode(&program[..end], 0..end, &params);
    }
    let section = dwarf4_unit(&program);
    for end in 0..section.len() {
        assert!(
            Unit::parse(&section[..end], 0).is_err(),
            "prefix of {end} bytes"
        );
    }
}
