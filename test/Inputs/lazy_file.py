"""Acts on the one lazy module (.bc file) in a store's modules directory.

usage: lazy_file.py path DIR            print its path
       lazy_file.py delete DIR          remove it
       lazy_file.py truncate DIR SIZE   cut it to SIZE bytes ("half" for half)
       lazy_file.py corrupt DIR         change bytes in its middle, same length
       lazy_file.py replace DIR OTHER   overwrite it with the one in OTHER,
                                        keeping its name
       lazy_file.py delete-keys DIR     remove the function keys beside it
       lazy_file.py corrupt-keys DIR    overwrite those keys with garbage

Fails unless the directory holds exactly one .bc file, so that a test never
acts on a file it did not mean.
"""
import os
import shutil
import sys


def the_lazy_file(directory):
    found = sorted(n for n in os.listdir(directory) if n.endswith(".bc"))
    if len(found) != 1:
        sys.exit("expected exactly one .bc file in {}, found {}".format(directory, found))
    return os.path.join(directory, found[0])


def keys_of(lazy_file):
    return lazy_file[: -len(".bc")] + ".keys"


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    command, path = argv[1], the_lazy_file(argv[2])
    if command == "path":
        print(path)
    elif command == "delete":
        os.remove(path)
    elif command == "truncate":
        size = os.path.getsize(path)
        new_size = size // 2 if argv[3] == "half" else int(argv[3])
        if new_size >= size:
            sys.exit("{} has only {} bytes".format(path, size))
        os.truncate(path, new_size)
    elif command == "corrupt":
        with open(path, "r+b") as f:
            data = bytearray(f.read())
            middle = len(data) // 2
            for i in range(middle, min(middle + 16, len(data))):
                data[i] ^= 0xFF
            f.seek(0)
            f.write(data)
    elif command == "replace":
        other = the_lazy_file(argv[3])
        with open(path, "rb") as f:
            before = f.read()
        with open(other, "rb") as f:
            after = f.read()
        if before == after:
            sys.exit("{} and {} have the same content".format(path, other))
        shutil.copyfile(other, path)
    elif command == "delete-keys":
        os.remove(keys_of(path))
    elif command == "corrupt-keys":
        with open(keys_of(path), "w") as f:
            f.write("not a keys file\n")
    else:
        sys.exit("unknown command {}\n{}".format(command, __doc__))


if __name__ == "__main__":
    main(sys.argv)
