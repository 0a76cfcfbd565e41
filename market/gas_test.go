package market

import (
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
)

// gasReportCommand is the command that regenerates docs/gas.md.
const gasReportCommand = "WRITE_GAS_REPORT=1 go test ./market -run TestGasReport -count=1"

type gasRow struct {
	method string
	note   string
	gas    uint64
	future uint64 // same case on go-ethereum's default dev-chain rules (Amsterdam/Bogota state gas)
	target uint64 // 0 = no target
}

// TestGasReport measures gas of every state-changing contract method from receipts on the simulated
// chain, asserts the targets, and with WRITE_GAS_REPORT=1 writes docs/gas.md.
func TestGasReport(t *testing.T) {
	const batch = 10
	keys := fixedKeys(t, 4+2*batch)
	rows := measureGas(t, newFixtureConfig(t, SimChainConfig(), len(keys), keys...), batch)
	future := measureGas(t, newFixtureConfig(t, params.AllDevChainProtocolChanges, len(keys), keys...), batch)
	for i := range rows {
		rows[i].future = future[i].gas
	}
	for _, r := range rows {
		if r.target != 0 && r.gas > r.target {
			t.Errorf("%s (%s): %d gas, target %d", r.method, r.note, r.gas, r.target)
		}
	}
	report := gasMarkdown(rows, batch)
	t.Log("\n" + report)
	if os.Getenv("WRITE_GAS_REPORT") == "1" {
		path := filepath.Join("..", "docs", "gas.md")
		if err := os.WriteFile(path, []byte(report), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// measureGas runs one fixed scenario and returns the gas of each step. Accounts: 0 ETH provider,
// 1 and 2 token providers, 3..3+batch-1 payers, the last one a device signer.
func measureGas(t *testing.T, f *fixture, batch int) []gasRow {
	t.Helper()
	ctx := t.Context()
	eth := common.Address{}
	signer := 3 + 2*batch
	var rows []gasRow
	add := func(method, note string, target uint64, rcpt *types.Receipt, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		rows = append(rows, gasRow{method: method, note: note, gas: rcpt.GasUsed, target: target})
	}

	regArgs := func(token common.Address) RegisterArgs {
		a := f.registerArgs(token)
		a.NodeKey = crypto.CompressPubkey(&f.key(6).PublicKey) // fixed, like everything else here
		return a
	}
	// Registry. The first registration also creates the id counter and the registry's token balance.
	_, rcpt, err := f.c.Register(ctx, f.opts(1), regArgs(f.token()))
	add("register", "first provider ever (creates counter and registry token balance)", 0, rcpt, err)
	id, rcpt, err := f.c.Register(ctx, f.opts(2), regArgs(f.token()))
	add("register", "23-byte endpoint, 33-byte key", 200_000, rcpt, err)
	ethID, _, err := f.c.Register(ctx, f.opts(0), regArgs(eth))
	if err != nil {
		t.Fatal(err)
	}
	rcpt, err = f.c.Update(ctx, f.opts(2), id, ProviderUpdate{
		Endpoint: "wss://pn2.example.org/ws", NodeKey: crypto.CompressPubkey(&f.key(5).PublicKey), Services: ServicePush, Gateways: GatewayFCM,
		CapacityWakeupsPerDay: 2_000_000, CapacityGB: 100,
	})
	add("update", "", 0, rcpt, err)
	rcpt, err = f.c.AnnouncePrice(ctx, f.opts(2), id, testPrice(2e15))
	add("announcePrice", "first announcement", 0, rcpt, err)
	rcpt, err = f.c.AnnouncePrice(ctx, f.opts(2), id, testPrice(3e15))
	add("announcePrice", "replacing a pending price", 0, rcpt, err)
	rcpt, err = f.c.AddStake(ctx, f.opts(2), id, ether(10))
	add("addStake", "", 0, rcpt, err)

	// Escrow: deposits. Payers are accounts 3..3+batch-1 for the token provider.
	payer := func(i int) int { return 3 + i }
	rcpt, err = f.c.Deposit(ctx, f.opts(payer(0)), id, f.token(), ether(1))
	add("deposit", "ERC-20, first deposit of the token into the escrow ever", 0, rcpt, err)
	rcpt, err = f.c.Deposit(ctx, f.opts(payer(1)), id, f.token(), ether(1))
	add("deposit", "ERC-20, new account", 80_000, rcpt, err)
	rcpt, err = f.c.Deposit(ctx, f.opts(payer(0)), id, f.token(), ether(1))
	add("deposit", "ERC-20, top-up", 80_000, rcpt, err)
	rcpt, err = f.c.Deposit(ctx, f.opts(payer(0)), ethID, eth, ether(1))
	add("deposit", "ETH, new account", 80_000, rcpt, err)
	rcpt, err = f.c.DepositFor(ctx, f.opts(payer(2)), f.addr(payer(1)), id, f.token(), ether(1))
	add("depositFor", "ERC-20, existing account", 80_000, rcpt, err)
	for i := 2; i < batch; i++ {
		f.deposit(payer(i), id, f.token(), ether(1))
	}

	// Collect: the first voucher on a lane creates its counter; later ones update it.
	sv := f.signed(f.key(payer(0)), f.addr(payer(0)), id, f.token(), 0, big.NewInt(1e15))
	_, rcpt, err = f.c.Collect(ctx, f.opts(2), sv)
	add("collect", "ERC-20, first voucher on a lane", 0, rcpt, err)
	sv = f.signed(f.key(payer(0)), f.addr(payer(0)), id, f.token(), 0, big.NewInt(2e15))
	_, rcpt, err = f.c.Collect(ctx, f.opts(2), sv)
	add("collect", "ERC-20, later voucher on a lane", 70_000, rcpt, err)
	sv = f.signed(f.key(payer(0)), f.addr(payer(0)), ethID, eth, 0, big.NewInt(1e15))
	_, rcpt, err = f.c.Collect(ctx, f.opts(0), sv)
	add("collect", "ETH, first voucher on a lane", 0, rcpt, err)
	sv = f.signed(f.key(payer(0)), f.addr(payer(0)), ethID, eth, 0, big.NewInt(2e15))
	_, rcpt, err = f.c.Collect(ctx, f.opts(0), sv)
	add("collect", "ETH, later voucher on a lane", 70_000, rcpt, err)

	// Device signer: authorise, collect with it, revoke.
	rcpt, err = f.c.AuthoriseSigner(ctx, f.opts(payer(1)), f.addr(signer))
	add("authoriseSigner", "", 0, rcpt, err)
	sv = f.signed(f.key(signer), f.addr(payer(1)), id, f.token(), 7, big.NewInt(1e15))
	_, rcpt, err = f.c.Collect(ctx, f.opts(2), sv)
	add("collect", "ERC-20, device signer, first voucher on a lane", 0, rcpt, err)
	sv = f.signed(f.key(signer), f.addr(payer(1)), id, f.token(), 7, big.NewInt(2e15))
	_, rcpt, err = f.c.Collect(ctx, f.opts(2), sv)
	add("collect", "ERC-20, device signer, later voucher on a lane", 70_000, rcpt, err)
	rcpt, err = f.c.RevokeSigner(ctx, f.opts(payer(1)), f.addr(signer))
	add("revokeSigner", "", 0, rcpt, err)

	// Batches of 10 payers: first on each lane, then later vouchers.
	batchOf := func(cum int64) []SignedVoucher {
		var svs []SignedVoucher
		for i := range batch {
			svs = append(svs, f.signed(f.key(payer(i)), f.addr(payer(i)), id, f.token(), 1, big.NewInt(cum)))
		}
		return svs
	}
	_, rcpt, err = f.c.CollectBatch(ctx, f.opts(2), batchOf(1e15))
	add("collectBatch", fmt.Sprintf("%d vouchers, first on each lane", batch), 0, rcpt, err)
	_, rcpt, err = f.c.CollectBatch(ctx, f.opts(2), batchOf(2e15))
	add("collectBatch", fmt.Sprintf("%d vouchers, later on each lane", batch), uint64(35_000*batch), rcpt, err)

	// Thaw and withdraw.
	rcpt, err = f.c.Thaw(ctx, f.opts(payer(0)), id, f.token(), ether(1))
	add("thaw", "", 0, rcpt, err)
	f.advance(testParams().ThawPeriod)
	_, rcpt, err = f.c.Withdraw(ctx, f.opts(payer(0)), id, f.token())
	add("withdraw", "ERC-20", 0, rcpt, err)
	if _, err = f.c.Thaw(ctx, f.opts(payer(0)), ethID, eth, big.NewInt(1e15)); err != nil {
		t.Fatal(err)
	}
	f.advance(testParams().ThawPeriod)
	_, rcpt, err = f.c.Withdraw(ctx, f.opts(payer(0)), ethID, eth)
	add("withdraw", "ETH", 0, rcpt, err)

	// Exit.
	rcpt, err = f.c.RequestExit(ctx, f.opts(2), id)
	add("requestExit", "", 0, rcpt, err)
	f.advance(testParams().Unbonding)
	rcpt, err = f.c.WithdrawStake(ctx, f.opts(2), id)
	add("withdrawStake", "", 0, rcpt, err)
	return rows
}

func gasMarkdown(rows []gasRow, batch int) string {
	var b strings.Builder
	b.WriteString("# Market contract gas\n\n")
	b.WriteString("Gas used by each state-changing method of the market contracts, read from transaction receipts on\n")
	b.WriteString("go-ethereum's simulated backend (`ethclient/simulated`) with the contracts as compiled into\n")
	b.WriteString("`contracts/build/combined.json`. Receipt gas includes the 21,000 base cost, calldata and refunds.\n")
	b.WriteString("\"gas used\" runs on `market.SimChainConfig()`: every fork up to Osaka, the rules Ethereum mainnet and the\n")
	b.WriteString("L2s run today. Targets apply to it and are asserted by `TestGasReport` on every test run. The last column\n")
	b.WriteString("repeats the scenario on go-ethereum v1.17's default dev-chain rules, which also enable the unreleased\n")
	b.WriteString("Amsterdam/Bogota forks (EIP-8037 state-gas metering, EIP-8038 state-access repricing): new storage\n")
	b.WriteString("slots cost several times more there. For information only.\n\n")
	b.WriteString("Produced by:\n\n```\n" + gasReportCommand + "\n```\n\n")
	b.WriteString("| method | case | gas used | target | on Amsterdam/Bogota rules |\n|---|---|---:|---:|---:|\n")
	for _, r := range rows {
		target := "—"
		if r.target != 0 {
			target = fmt.Sprintf("≤ %s", thousands(r.target))
		}
		gas, future := thousands(r.gas), thousands(r.future)
		if r.method == "collectBatch" {
			gas = fmt.Sprintf("%s (%s per voucher)", gas, thousands(r.gas/uint64(batch)))
			future = fmt.Sprintf("%s (%s per voucher)", future, thousands(r.future/uint64(batch)))
			if r.target != 0 {
				target = fmt.Sprintf("≤ %s (%s per voucher)", thousands(r.target), thousands(r.target/uint64(batch)))
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", r.method, r.note, gas, target, future)
	}
	b.WriteString("\nNotes\n\n")
	b.WriteString("- The first voucher collected on a lane writes a new storage slot for the lane's counter (~17k gas\n")
	b.WriteString("  more); every later collect on that lane updates it. Targets apply to the steady state.\n")
	b.WriteString("- `collectBatch` reads the operator once per run of vouchers for the same provider and pays out once per\n")
	b.WriteString("  run of vouchers in the same token.\n")
	b.WriteString("- The first registration ever also creates the provider counter and the registry's stake-token balance;\n")
	b.WriteString("  the first ERC-20 deposit ever likewise creates the escrow's token balance. Both happen once per deployment.\n")
	b.WriteString("- Accounts come from fixed keys, so the figures repeat exactly; other addresses and amounts change\n")
	b.WriteString("  calldata by a few dozen gas.\n")
	return b.String()
}

func thousands(n uint64) string {
	s := fmt.Sprint(n)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
