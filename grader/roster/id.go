package roster

import "github.com/poolschool/poolschool/grader/submission"

// ValidID reports whether id can be a student id as it is: what
// submission.ID leaves unchanged, which includes an email address, or an
// email address with capitals, kept as written (see submission.ValidID).
func ValidID(id string) bool { return submission.ValidID(id) }
