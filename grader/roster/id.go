package roster

import "github.com/poolschool/poolschool/grader/submission"

// ValidID reports whether id can be a student id as it is: what
// submission.ID leaves unchanged, which includes an email address.
func ValidID(id string) bool { return id != "" && submission.ID(id) == id }
