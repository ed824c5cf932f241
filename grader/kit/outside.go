package kit

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// InsideKitError is a release into a folder of the kit itself: the copy
// would walk into what it writes, a folder deeper each time, until the
// names grow too long, and leave all of it in the kit.
type InsideKitError struct {
	Dst string // the folder as given
	Kit string // the kit's root
}

func (e *InsideKitError) Error() string {
	return fmt.Sprintf("%s is inside the kit %s; write the student kit to a folder outside it, like %s",
		e.Dst, e.Kit, filepath.Join(filepath.Dir(e.Kit), filepath.Base(e.Dst)))
}

// checkOutside returns an *InsideKitError when dst is the kit's root or
// below it, links included: it resolves the part of dst that exists.
func (k *Kit) checkOutside(dst string) error {
	abs, err := filepath.Abs(dst)
	if err != nil {
		return err
	}
	root := k.Root
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	// The folder itself may not exist yet: resolve its nearest ancestor
	// that does, and put the rest back.
	rest := ""
	for d := abs; ; d = filepath.Dir(d) {
		if r, err := filepath.EvalSymlinks(d); err == nil {
			abs = filepath.Join(r, rest)
			break
		} else if !errors.Is(err, os.ErrNotExist) || filepath.Dir(d) == d {
			break
		}
		rest = filepath.Join(filepath.Base(d), rest)
	}
	if abs == root || strings.HasPrefix(abs, root+string(filepath.Separator)) {
		return &InsideKitError{Dst: dst, Kit: k.Root}
	}
	return nil
}
