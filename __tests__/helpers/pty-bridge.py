"""Run a command in a real pseudo-terminal and relay it: the pty's output to our stdout, our stdin
to the pty (so a test can press Enter). Exits with the command's exit code (128+N for signal N).
Used by __tests__/helpers/pty.ts; python3's standard `pty` module needs no native build."""
import fcntl
import os
import pty
import struct
import sys
import select
import termios


def set_size(fd):
    # A real terminal has a size; 24x100 keeps long status lines on one row.
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))


def main():
    pid, fd = pty.fork()
    if pid == 0:
        set_size(0)
        os.execvp(sys.argv[1], sys.argv[1:])
    stdin_open = True
    while True:
        fds = [fd] + ([0] if stdin_open else [])
        try:
            ready, _, _ = select.select(fds, [], [])
        except InterruptedError:
            continue
        if fd in ready:
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            if not data:
                break
            os.write(1, data)
        if 0 in ready:
            data = os.read(0, 1024)
            if not data:
                stdin_open = False
            else:
                os.write(fd, data)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    sys.exit(128 - code if code < 0 else code)


main()
