package main

import (
	"io"

	"github.com/poolschool/poolschool/grader/classreport"
	"github.com/poolschool/poolschool/grader/render"
	"github.com/poolschool/poolschool/grader/result"
)

// cmdReport renders result records again in any format: the terminal
// report, Gradescope's results.json, JUnit XML, the CSV gradebook,
// feedback.md or the class summary (with summary.txt's histograms).
func cmdReport(args []string, stdout io.Writer) error {
	fs := newFlags("report", "-format FORMAT RECORD.json...", io.Discard)
	format := fs.String("format", "terminal", "terminal, gradescope, junit, csv, feedback or summary")
	stable := fs.Bool("stable", false, "leave durations out of JUnit XML (for golden files)")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageErr("name the records to render, like \"grader report grades/students/ann/record.json\"")
	}
	var reps []*result.Report
	for _, f := range fs.Args() {
		r, err := result.ReadFile(f)
		if err != nil {
			return err
		}
		reps = append(reps, r)
	}
	one := func() (*result.Report, error) {
		if len(reps) != 1 {
			return nil, usageErr("-format %s renders one record, got %d", *format, len(reps))
		}
		return reps[0], nil
	}
	switch *format {
	case "terminal":
		r, err := one()
		if err != nil {
			return err
		}
		return render.Terminal(stdout, r, render.Style{HintEx: "make hint EX=%s"})
	case "gradescope":
		r, err := one()
		if err != nil {
			return err
		}
		return render.WriteGradescope(stdout, r)
	case "feedback":
		r, err := one()
		if err != nil {
			return err
		}
		return render.Feedback(stdout, r)
	case "junit":
		return render.JUnit(stdout, "poolschool", reps, *stable)
	case "csv":
		return render.Gradebook(stdout, reps)
	case "summary":
		if err := render.Summary(stdout, reps); err != nil {
			return err
		}
		return classreport.WriteTextHistograms(stdout, reps)
	}
	return usageErr("unknown -format %q; use terminal, gradescope, junit, csv, feedback or summary", *format)
}
