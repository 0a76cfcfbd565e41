// Package layering holds the test that enforces the dependency direction
// between the repository's packages (cmd -> server -> leaves; client ->
// wire and market; gateways and mailstore know nothing of the rest).
package layering

import (
	"os/exec"
	"strings"
	"testing"
)

const mod = "github.com/pnmarket/pnmarket/"

// rules: a package and the module packages it must not depend on
// (prefix match). "*" forbids every package of this module.
var rules = map[string][]string{
	"server/wire":      {"*"},
	"server/mailstore": {"*"},
	"gateways":         {"*"},
	"gateways/apns":    {"server", "market", "client", "cmd", "gateways/fcm"},
	"gateways/fcm":     {"server", "market", "client", "cmd", "gateways/apns"},
	"market":           {"server", "gateways", "client", "cmd"},
	"client":           {"server/mailstore", "server/cluster", "gateways", "cmd"},
	"server":           {"cmd", "client"},
}

func TestDependencyDirection(t *testing.T) {
	for pkg, forbidden := range rules {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", "../../"+pkg).CombinedOutput()
		if err != nil {
			if strings.Contains(string(out), "no Go files") || strings.Contains(string(out), "cannot find") || strings.Contains(string(out), "directory not found") {
				continue // package not present yet
			}
			t.Fatalf("go list %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			rel, ours := strings.CutPrefix(dep, mod)
			if !ours || rel == pkg {
				continue
			}
			if strings.HasPrefix(rel, pkg+"/") && !strings.HasSuffix(rel, "test") {
				continue // its own subpackages
			}
			for _, f := range forbidden {
				if f == "*" || rel == f || strings.HasPrefix(rel, f+"/") {
					t.Errorf("%s depends on %s", pkg, rel)
				}
			}
		}
	}
}
