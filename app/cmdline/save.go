package cmdline

import (
	"flag"

	"github.com/sseinspector/sseinspector/inspector"
)

// SaveFlags are the flags that save what a command recorded, the same on
// every recording command (watch, compare, tap).
type SaveFlags struct {
	Output      string // -o, --output: the session file to write on exit ("" for none)
	KeepSecrets bool   // --keep-secrets: keep credential values instead of redacting them
}

// Register defines the save flags on fs.
func (s *SaveFlags) Register(fs *flag.FlagSet) {
	StringVar(fs, &s.Output, "output", "", "save the recorded session to `FILE` on exit")
	fs.BoolVar(&s.KeepSecrets, "keep-secrets", false, "keep Authorization, Cookie and Set-Cookie values in the saved session (redacted by default)")
}

// Save writes the snapshot to the --output file, if one was given.
func (s *SaveFlags) Save(snap *inspector.Snapshot) error {
	if s.Output == "" {
		return nil
	}
	return inspector.SaveSession(s.Output, snap, inspector.SaveOptions{KeepSecrets: s.KeepSecrets})
}
