//go:build !linux

package output

import "os"

func writeFile(name string, data []byte) (Stat, error) {
	if err := os.WriteFile(name, data, 0o644); err != nil {
		return Stat{}, err
	}
	fi, err := os.Stat(name)
	if err != nil {
		return Stat{}, err
	}
	return statOf(fi), nil
}
