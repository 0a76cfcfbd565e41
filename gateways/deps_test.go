package gateways_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDeps pins the dependency direction of STYLE §1: gateways imports only
// the standard library, and the gateway packages and their fakes import
// nothing of this module outside gateways/.
func TestDeps(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	const module = "github.com/pnmarket/pnmarket/"
	tests := map[string]struct {
		stdlibOnly bool
	}{
		"github.com/pnmarket/pnmarket/gateways":               {stdlibOnly: true},
		"github.com/pnmarket/pnmarket/gateways/apns":          {},
		"github.com/pnmarket/pnmarket/gateways/apns/apnstest": {},
		"github.com/pnmarket/pnmarket/gateways/fcm":           {},
		"github.com/pnmarket/pnmarket/gateways/fcm/fcmtest":   {},
	}
	for pkg, tc := range tests {
		t.Run(pkg, func(t *testing.T) {
			out, err := exec.CommandContext(t.Context(), "go", "list", "-deps", "-f", "{{.ImportPath}} {{.Standard}}", pkg).CombinedOutput()
			if err != nil {
				t.Fatalf("go list: %v\n%s", err, out)
			}
			for line := range strings.Lines(string(out)) {
				path, std, _ := strings.Cut(strings.TrimSpace(line), " ")
				switch {
				case path == pkg || std == "true":
				case tc.stdlibOnly:
					t.Errorf("%s imports non-standard %s", pkg, path)
				case strings.HasPrefix(path, module) && !strings.HasPrefix(path, module+"gateways"):
					t.Errorf("%s imports %s, outside gateways/", pkg, path)
				}
			}
		})
	}
}
