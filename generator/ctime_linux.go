package generator

import (
	"io/fs"
	"syscall"
)

// changeTime is when a file's inode last changed, in Unix nanoseconds: a
// copy that keeps the size and modification time of the file it replaces
// (cp -p, rsync -t) still changes it.
func changeTime(fi fs.FileInfo) int64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Ctim.Nano()
	}
	return 0
}
