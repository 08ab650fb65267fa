package output

import (
	"io"
	"io/fs"
	"syscall"
)

// writeFile is os.WriteFile without the runtime poller, returning what it
// left. os.OpenFile offers every file to epoll, which refuses regular
// files: five wasted system calls per file, and a build writes tens of
// thousands. The stat is read from the open file, not looked up by path.
func writeFile(name string, data []byte) (Stat, error) {
	const flags = syscall.O_WRONLY | syscall.O_CREAT | syscall.O_TRUNC | syscall.O_CLOEXEC
	fd, err := syscall.Open(name, flags, 0o644)
	for err == syscall.EINTR {
		fd, err = syscall.Open(name, flags, 0o644)
	}
	if err != nil {
		return Stat{}, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	for len(data) > 0 {
		n, werr := syscall.Write(fd, data)
		if werr == syscall.EINTR {
			continue
		}
		if werr == nil && n == 0 {
			werr = io.ErrShortWrite
		}
		if werr != nil {
			err = werr
			break
		}
		data = data[n:]
	}
	var st syscall.Stat_t
	if err == nil {
		err = syscall.Fstat(fd, &st)
	}
	if cerr := syscall.Close(fd); err == nil {
		err = cerr
	}
	if err != nil {
		return Stat{}, &fs.PathError{Op: "write", Path: name, Err: err}
	}
	return Stat{Size: st.Size, Mod: st.Mtim.Nano()}, nil
}
