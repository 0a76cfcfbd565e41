// Command pnbench measures a pnode: the durable ingest rate and history
// query latency of the mailstore, and the websocket node's memory per idle
// connection and publish-to-subscriber latency under load.
//
//	pnbench store [--n 200000] [--concurrency 64] [--history-n 5000000] [--queries 2000]
//	pnbench ws    [--conns 20000] [--subscribers 1000] [--rate 5000] [--duration 20s]
//
// Every run is bounded by --max-time, stops by itself, kills the pnode it
// started and removes its temporary directories. Load goes to 127.0.0.0/8
// only. --json prints one machine-readable object instead of the table.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
)

const usage = `usage: pnbench <command> [flags]

commands:
  store   durable ingest rate and history query latency of the mailstore
  ws      node RSS per idle websocket connection, publish -> subscriber latency
  push    wake requests -> node -> fake APNs/FCM: wakeups/s, CPU per wakeup, latency

Run "pnbench <command> -h" for its flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	if os.Getenv(workerEnv) != "" {
		code := idleWorkerMain(ctx, os.Args[1:], os.Stdin, os.Stdout)
		stop()
		os.Exit(code)
	}
	err := realMain(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "pnbench:", err)
		}
		os.Exit(exitCode(err))
	}
}

// usageError marks errors in the command line: exit code 2.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

func exitCode(err error) int {
	var ue usageError
	if errors.As(err, &ue) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

func realMain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{errors.New("missing command")}
	}
	defer func() { stopCPUProfile() }() // set by parseFlags
	switch args[0] {
	case "store":
		return runStore(ctx, args[1:], stdout, stderr)
	case "ws":
		return runWS(ctx, args[1:], stdout, stderr)
	case "push":
		return runPush(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageError{fmt.Errorf("unknown command %q", args[0])}
}

// parseFlags parses a subcommand's flags and refuses positional arguments.
// Every subcommand also takes -cpuprofile, pnbench's own CPU profile: the
// load generator shares the machine with the node, so its cost matters, and
// store runs the store code itself in this process.
func parseFlags(fs *flag.FlagSet, args []string) error {
	cpuprofile := fs.String("cpuprofile", "", "write pnbench's own CPU profile (the store code, for store) to this file")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected arguments: %v", fs.Args())}
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return err
		}
		stopCPUProfile = func() {
			pprof.StopCPUProfile()
			f.Close()
		}
	}
	return nil
}

// stopCPUProfile ends the profile parseFlags started, if any.
var stopCPUProfile = func() {}
