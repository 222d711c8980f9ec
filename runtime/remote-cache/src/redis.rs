//! A Redis store, over RESP2 on one connection: `MGET`, `SET` and `APPEND`
//! are all the cache needs, so the client is these three commands and a
//! bounded reply decoder, each read under the setting's timeout.
//!
//! The connection belongs to the process that opened it: a forked child
//! opens its own rather than interleave its requests with its parent's.

use crate::setting::RedisAddress;
use crate::store::{Fault, Store, MAX_VALUE};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// The most elements of an array reply: `MGET`'s, one per name asked.
const MAX_ARRAY: usize = 1 << 20;
/// The longest status, error or length line.
const MAX_LINE: usize = 4096;

pub struct Redis {
    address: RedisAddress,
    connect_timeout: Duration,
    timeout: Duration,
    connection: Option<Connection>,
}

struct Connection {
    pid: u32,
    stream: BufReader<TcpStream>,
}

/// A reply, as far as the cache's commands answer.
#[derive(Debug, PartialEq, Eq)]
enum Reply {
    Status,
    Integer,
    Bulk(Option<Vec<u8>>),
    Array(Vec<Option<Vec<u8>>>),
}

impl Redis {
    pub fn new(address: RedisAddress, connect_timeout: Duration, timeout: Duration) -> Self {
        Redis {
            address,
            connect_timeout,
            timeout,
            connection: None,
        }
    }

    /// Sends one command and reads its reply; a connection that faulted is
    /// dropped, not reused.
    fn command(&mut self, args: &[&[u8]]) -> Result<Reply, Fault> {
        let result = self.connected().and_then(|c| c.command(args));
        if matches!(
            result,
            Err(Fault::Unreachable(_) | Fault::Slow | Fault::Garbage(_))
        ) {
            self.connection = None;
        }
        result
    }

    fn connected(&mut self) -> Result<&mut Connection, Fault> {
        let pid = std::process::id();
        if self.connection.as_ref().is_none_or(|c| c.pid != pid) {
            self.connection = Some(self.connect(pid)?);
        }
        Ok(self.connection.as_mut().expect("connected above"))
    }

    fn connect(&self, pid: u32) -> Result<Connection, Fault> {
        let RedisAddress {
            host,
            port,
            db,
            auth,
        } = &self.address;
        let addresses = (host.as_str(), *port)
            .to_socket_addrs()
            .map_err(|e| Fault::Unreachable(format!("{host}: {e}")))?;
        let mut last = Fault::Unreachable(format!("{host} has no address"));
        for address in addresses {
            match TcpStream::connect_timeout(&address, self.connect_timeout) {
                Ok(stream) => {
                    stream.set_read_timeout(Some(self.timeout))?;
                    stream.set_write_timeout(Some(self.timeout))?;
                    stream.set_nodelay(true)?;
                    let mut connection = Connection {
                        pid,
                        stream: BufReader::new(stream),
                    };
                    if let Some((user, password)) = auth {
                        let mut args: Vec<&[u8]> = vec![b"AUTH"];
                        args.extend(user.as_deref().map(str::as_bytes));
                        args.push(password.as_bytes());
                        connection.command(&args)?;
                    }
                    if *db != 0 {
                        connection.command(&[b"SELECT", db.to_string().as_bytes()])?;
                    }
                    return Ok(connection);
                }
                Err(e) => last = e.into(),
            }
        }
        Err(last)
    }
}

impl Store for Redis {
    fn get_many(&mut self, names: &[String]) -> Result<Vec<Option<Vec<u8>>>, Fault> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let mut args: Vec<&[u8]> = vec![b"MGET"];
        args.extend(names.iter().map(|n| n.as_bytes()));
        match self.command(&args)? {
            Reply::Array(values) if values.len() == names.len() => Ok(values),
            other => Err(unexpected("MGET", &other)),
        }
    }

    fn put(&mut self, name: &str, value: &[u8]) -> Result<(), Fault> {
        match self.command(&[b"SET", name.as_bytes(), value])? {
            Reply::Status => Ok(()),
            other => Err(unexpected("SET", &other)),
        }
    }

    fn append(&mut self, name: &str, value: &[u8]) -> Result<(), Fault> {
        match self.command(&[b"APPEND", name.as_bytes(), value])? {
            Reply::Integer => Ok(()),
            other => Err(unexpected("APPEND", &other)),
        }
    }
}

/// A reply of the wrong kind, named by its kind: a value may be megabytes.
fn unexpected(command: &str, reply: &Reply) -> Fault {
    let kind = match reply {
        Reply::Status => "a status".to_string(),
        Reply::Integer => "an integer".to_string(),
        Reply::Bulk(None) => "nil".to_string(),
        Reply::Bulk(Some(value)) => format!("a value of {} bytes", value.len()),
        Reply::Array(values) => format!("an array of {}", values.len()),
    };
    Fault::Garbage(format!("{command} answered {kind}"))
}

impl Connection {
    fn command(&mut self, args: &[&[u8]]) -> Result<Reply, Fault> {
        let mut request = Vec::with_capacity(args.iter().map(|a| a.len() + 16).sum());
        request.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
        for arg in args {
            request.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
            request.extend_from_slice(arg);
            request.extend_from_slice(b"\r\n");
        }
        self.stream.get_mut().write_all(&request)?;
        read_reply(&mut self.stream)
    }
}

/// Reads one reply: a status, an integer, a bulk string, or an array of
/// bulk strings (all `MGET` answers); an error reply is `Fault::Refused`.
fn read_reply(input: &mut impl BufRead) -> Result<Reply, Fault> {
    let line = read_line(input)?;
    let (kind, rest) = line.split_at(1);
    match kind {
        "+" => Ok(Reply::Status),
        "-" => Err(Fault::Refused(rest.to_string())),
        ":" => rest
            .parse::<i64>()
            .map(|_| Reply::Integer)
            .map_err(|_| Fault::Garbage(format!("integer '{rest}'"))),
        "$" => read_bulk(input, rest).map(Reply::Bulk),
        "*" => {
            let n = length(rest, MAX_ARRAY)?;
            let mut values = Vec::with_capacity(n.unwrap_or(0));
            for _ in 0..n.unwrap_or(0) {
                let line = read_line(input)?;
                match line.strip_prefix('$') {
                    Some(len) => values.push(read_bulk(input, len)?),
                    None => return Err(Fault::Garbage(format!("array element '{line}'"))),
                }
            }
            Ok(Reply::Array(values))
        }
        _ => Err(Fault::Garbage(format!("reply '{line}'"))),
    }
}

/// The bulk string after its length line's `rest`.
fn read_bulk(input: &mut impl BufRead, rest: &str) -> Result<Option<Vec<u8>>, Fault> {
    let Some(n) = length(rest, MAX_VALUE)? else {
        return Ok(None);
    };
    // Read into spare capacity, not a zeroed buffer: a value may be an
    // object of megabytes.
    let mut value = Vec::with_capacity(n + 2);
    input.take(n as u64 + 2).read_to_end(&mut value)?;
    if value.len() < n + 2 {
        return Err(Fault::Unreachable(
            "the connection closed in a value".into(),
        ));
    }
    if !value.ends_with(b"\r\n") {
        return Err(Fault::Garbage("a bulk string not ended by CRLF".into()));
    }
    value.truncate(n);
    Ok(Some(value))
}

/// A length field: `-1` is none; anything above `max` is garbage.
fn length(field: &str, max: usize) -> Result<Option<usize>, Fault> {
    match field.parse::<i64>() {
        Ok(-1) => Ok(None),
        Ok(n) if (0..=max as i64).contains(&n) => Ok(Some(n as usize)),
        _ => Err(Fault::Garbage(format!("length '{field}'"))),
    }
}

/// One CRLF-ended line, at most `MAX_LINE` bytes, without its CRLF.
fn read_line(input: &mut impl BufRead) -> Result<String, Fault> {
    let mut line = Vec::new();
    input.take(MAX_LINE as u64).read_until(b'\n', &mut line)?;
    if line.is_empty() {
        return Err(Fault::Unreachable("the connection closed".into()));
    }
    let Some(line) = line.strip_suffix(b"\r\n").filter(|l| !l.is_empty()) else {
        return Err(Fault::Garbage("a line not ended by CRLF".into()));
    };
    String::from_utf8(line.to_vec()).map_err(|_| Fault::Garbage("a line not UTF-8".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(bytes: &[u8]) -> Result<Reply, Fault> {
        read_reply(&mut &bytes[..])
    }

    #[test]
    fn replies_the_cache_reads() {
        assert_eq!(reply(b"+OK\r\n"), Ok(Reply::Status));
        assert_eq!(reply(b":12\r\n"), Ok(Reply::Integer));
        assert_eq!(
            reply(b"$3\r\nabc\r\n"),
            Ok(Reply::Bulk(Some(b"abc".to_vec())))
        );
        assert_eq!(reply(b"$-1\r\n"), Ok(Reply::Bulk(None)));
        assert_eq!(
            reply(b"*3\r\n$1\r\na\r\n$-1\r\n$0\r\n\r\n"),
            Ok(Reply::Array(vec![Some(b"a".to_vec()), None, Some(vec![])]))
        );
        assert_eq!(
            reply(b"-OOM command not allowed\r\n"),
            Err(Fault::Refused("OOM command not allowed".into()))
        );
    }

    #[test]
    fn garbage_is_refused_without_reading_on() {
        for bytes in [
            &b"HTTP/1.1 200 OK\r\n"[..],
            b"$99999999999\r\n",
            b"$5\r\nab",
            b"$2\r\nabcd",
            b"*2\r\n+OK\r\n",
            b"*-5\r\n",
            b":x\r\n",
            b"+OK\n",
            b"\r\n",
        ] {
            let r = reply(bytes);
            assert!(
                matches!(r, Err(Fault::Garbage(_) | Fault::Unreachable(_))),
                "{bytes:?}: {r:?}"
            );
        }
        // A length line longer than any the protocol has.
        let long = [b'+'; MAX_LINE * 2];
        assert!(reply(&long).is_err());
    }

    #[test]
    fn requests_are_arrays_of_bulk_strings() {
        let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = server.local_addr().unwrap().port();
        let answer = std::thread::spawn(move || {
            let (mut peer, _) = server.accept().unwrap();
            let mut request = [0u8; 31];
            peer.read_exact(&mut request).unwrap();
            peer.write_all(b"+OK\r\n").unwrap();
            request
        });
        let address = RedisAddress {
            host: "127.0.0.1".into(),
            port,
            db: 0,
            auth: None,
        };
        let mut redis = Redis::new(address, Duration::from_secs(5), Duration::from_secs(5));
        redis.put("k", b"value").unwrap();
        assert_eq!(
            &answer.join().unwrap(),
            b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n"
        );
    }
}
