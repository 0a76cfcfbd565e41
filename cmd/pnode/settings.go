package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// maxConfigFile caps the config file size.
const maxConfigFile = 1 << 20

// setting is one configuration knob. Its name is the single spelling used as
// the YAML key, the flag (--name) and the environment variable
// (PNODE_NAME with dashes as underscores).
type setting struct {
	name   string
	help   string
	value  flag.Value
	secret bool // redacted when printed
}

// envName returns the environment variable for a setting name.
func envName(name string) string {
	return "PNODE_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// settings is an ordered set of knobs bound to fields of a Config.
type settings struct {
	list   []*setting
	byName map[string]*setting
}

func (s *settings) add(name, help string, v flag.Value, secret bool) {
	if s.byName == nil {
		s.byName = make(map[string]*setting)
	}
	st := &setting{name: name, help: help, value: v, secret: secret}
	s.list = append(s.list, st)
	s.byName[name] = st
}

func (s *settings) str(p *string, name, help string) { s.add(name, help, (*strValue)(p), false) }
func (s *settings) secretStr(p *string, name, help string) {
	s.add(name, help, (*strValue)(p), true)
}
func (s *settings) int(p *int, name, help string)       { s.add(name, help, (*intValue)(p), false) }
func (s *settings) int64(p *int64, name, help string)   { s.add(name, help, (*int64Value)(p), false) }
func (s *settings) uint64(p *uint64, name, help string) { s.add(name, help, (*uint64Value)(p), false) }
func (s *settings) float(p *float64, name, help string) { s.add(name, help, (*floatValue)(p), false) }
func (s *settings) bool(p *bool, name, help string)     { s.add(name, help, (*boolValue)(p), false) }
func (s *settings) duration(p *time.Duration, name, help string) {
	s.add(name, help, (*durValue)(p), false)
}

// register adds every setting to fs as a flag.
func (s *settings) register(fs *flag.FlagSet) {
	for _, st := range s.list {
		fs.Var(st.value, st.name, st.help+" (env "+envName(st.name)+")")
	}
}

// applyFile reads a YAML file of `name: value` pairs. Unknown keys and
// non-scalar values are errors, reported with their line.
func (s *settings) applyFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxConfigFile+1))
	if err != nil {
		return err
	}
	if len(b) > maxConfigFile {
		return fmt.Errorf("%s: larger than %d bytes", path, maxConfigFile)
	}
	return s.applyYAML(path, b)
}

func (s *settings) applyYAML(path string, b []byte) error {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(b)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil // empty file
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	if len(doc.Content) == 0 {
		return nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return fmt.Errorf("%s:%d: want a mapping of setting: value", path, root.Line)
	}
	var errs []error
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		st := s.byName[k.Value]
		switch {
		case st == nil:
			errs = append(errs, fmt.Errorf("%s:%d: unknown setting %q", path, k.Line, k.Value))
		case v.Kind == yaml.SequenceNode:
			var parts []string
			for _, it := range v.Content {
				if it.Kind != yaml.ScalarNode {
					errs = append(errs, fmt.Errorf("%s:%d: %s: list items must be scalars", path, it.Line, k.Value))
				}
				parts = append(parts, it.Value)
			}
			if err := st.value.Set(strings.Join(parts, ",")); err != nil {
				errs = append(errs, fmt.Errorf("%s:%d: %s: %w", path, v.Line, k.Value, err))
			}
		case v.Kind != yaml.ScalarNode:
			errs = append(errs, fmt.Errorf("%s:%d: %s: want a scalar value", path, v.Line, k.Value))
		default:
			if err := st.value.Set(v.Value); err != nil {
				errs = append(errs, fmt.Errorf("%s:%d: %s: %w", path, v.Line, k.Value, err))
			}
		}
	}
	return errors.Join(errs...)
}

// applyEnv applies PNODE_* variables from environ.
func (s *settings) applyEnv(environ []string) error {
	var errs []error
	vals := make(map[string]string)
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "PNODE_") {
			vals[k] = v
		}
	}
	for _, st := range s.list {
		if v, ok := vals[envName(st.name)]; ok {
			if err := st.value.Set(v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", envName(st.name), err))
			}
		}
	}
	return errors.Join(errs...)
}

// dump renders every setting as YAML, with secrets redacted.
func (s *settings) dump() string {
	var b strings.Builder
	names := make([]string, 0, len(s.list))
	for _, st := range s.list {
		names = append(names, st.name)
	}
	sort.Strings(names)
	for _, n := range names {
		st := s.byName[n]
		v := st.value.String()
		if st.secret && v != "" {
			v = "REDACTED"
		}
		fmt.Fprintf(&b, "%s: %s\n", n, strconv.Quote(v))
	}
	return b.String()
}

type strValue string

func (v *strValue) Set(s string) error { *v = strValue(s); return nil }
func (v *strValue) String() string {
	if v == nil {
		return ""
	}
	return string(*v)
}

type intValue int

func (v *intValue) Set(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("not an integer: %q", s)
	}
	*v = intValue(n)
	return nil
}
func (v *intValue) String() string {
	if v == nil {
		return "0"
	}
	return strconv.Itoa(int(*v))
}

type int64Value int64

func (v *int64Value) Set(s string) error {
	n, err := parseSize(s)
	if err != nil {
		return err
	}
	*v = int64Value(n)
	return nil
}
func (v *int64Value) String() string {
	if v == nil {
		return "0"
	}
	return strconv.FormatInt(int64(*v), 10)
}

type uint64Value uint64

func (v *uint64Value) Set(s string) error {
	n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return fmt.Errorf("not an unsigned integer: %q", s)
	}
	*v = uint64Value(n)
	return nil
}
func (v *uint64Value) String() string {
	if v == nil {
		return "0"
	}
	return strconv.FormatUint(uint64(*v), 10)
}

type floatValue float64

func (v *floatValue) Set(s string) error {
	n, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return fmt.Errorf("not a number: %q", s)
	}
	*v = floatValue(n)
	return nil
}
func (v *floatValue) String() string {
	if v == nil {
		return "0"
	}
	return strconv.FormatFloat(float64(*v), 'g', -1, 64)
}

type boolValue bool

func (v *boolValue) Set(s string) error {
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("not a boolean: %q", s)
	}
	*v = boolValue(b)
	return nil
}
func (v *boolValue) String() string {
	if v == nil {
		return "false"
	}
	return strconv.FormatBool(bool(*v))
}
func (v *boolValue) IsBoolFlag() bool { return true }

type durValue time.Duration

func (v *durValue) Set(s string) error {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("not a duration (like 30s, 5m, 720h): %q", s)
	}
	*v = durValue(d)
	return nil
}
func (v *durValue) String() string {
	if v == nil {
		return "0s"
	}
	return time.Duration(*v).String()
}

// parseSize parses an integer with an optional KiB/MiB/GiB/TiB suffix.
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suf string
		m   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}} {
		if rest, ok := strings.CutSuffix(s, u.suf); ok {
			s, mult = strings.TrimSpace(rest), u.m
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("not a size (like 1000, 512MiB, 10GiB): %q", s)
	}
	return n * mult, nil
}
