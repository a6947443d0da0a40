package proxytap

import (
	"os"
	"testing"
)

// TestMain lets the benchmarks start this test binary again as a separate
// origin or client process (see benchRole).
func TestMain(m *testing.M) {
	if role := os.Getenv(benchRoleEnv); role != "" {
		os.Exit(benchRole(role))
	}
	os.Exit(m.Run())
}
