package market

import (
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/pnmarket/pnmarket/market/bindings"
)

// Errors every contract revert matches, besides its own sentinel.
var (
	// ErrReverted matches every decoded contract revert (*RevertError).
	ErrReverted = errors.New("market: contract reverted")
	// ErrTxFailed reports a transaction that was mined but failed (receipt status 0).
	ErrTxFailed = errors.New("market: transaction failed")
)

// Sentinels for the contracts' custom errors. A revert decodes to a *RevertError that matches one of
// these with errors.Is (and ErrReverted); errors.AsType[*RevertError] gives its arguments.
var (
	// Registry
	ErrStakeTooLow       = errors.New("market: stake below the registry minimum")
	ErrNotOperator       = errors.New("market: caller is not the provider's operator")
	ErrUnknownProvider   = errors.New("market: unknown provider")
	ErrProviderNotActive = errors.New("market: provider is not active")
	ErrNotExiting        = errors.New("market: provider has not requested exit")
	ErrUnbonding         = errors.New("market: stake is still unbonding")
	ErrNothingToWithdraw = errors.New("market: nothing to withdraw")
	ErrInvalidNodeKey    = errors.New("market: node key must be a 33- or 65-byte secp256k1 public key")
	ErrInvalidEndpoint   = errors.New("market: endpoint must be 1..256 bytes")
	ErrInvalidServices   = errors.New("market: invalid services or gateways")
	ErrValueOutOfRange   = errors.New("market: value out of range")
	ErrZeroAmount        = errors.New("market: amount is zero")
	ErrZeroAddress       = errors.New("market: address is zero")
	ErrInvalidParam      = errors.New("market: invalid deploy parameter")

	// Escrow
	ErrWrongValue          = errors.New("market: ETH value does not match the amount")
	ErrTokenNotAccepted    = errors.New("market: provider does not accept this token")
	ErrThawExceedsBalance  = errors.New("market: thaw exceeds balance")
	ErrNothingThawing      = errors.New("market: nothing thawing")
	ErrThawNotEnded        = errors.New("market: thaw period has not ended")
	ErrBadSignature        = errors.New("market: malformed voucher signature")
	ErrUnauthorisedSigner  = errors.New("market: voucher signer is not the payer or an authorised signer")
	ErrNothingToCollect    = errors.New("market: voucher is already collected")
	ErrEmptyBalance        = errors.New("market: payer's balance is empty")
	ErrSignerNotAuthorised = errors.New("market: signer is not authorised")
	ErrLengthMismatch      = errors.New("market: vouchers and signatures differ in length")
	ErrEmptyBatch          = errors.New("market: empty batch")
	ErrInvalidBatchEntry   = errors.New("market: invalid batch entry")
	ErrEthTransferFailed   = errors.New("market: ETH transfer failed")

	// OpenZeppelin (token, guards)
	ErrReentrantCall            = errors.New("market: reentrant call")
	ErrTokenTransferFailed      = errors.New("market: token transfer failed")
	ErrInsufficientTokenBalance = errors.New("market: insufficient token balance")
	ErrInsufficientAllowance    = errors.New("market: insufficient token allowance")
)

// revertSentinels maps every custom error in the contracts' ABIs to its sentinel.
// TestRevertTableComplete fails when a contract gains an error missing here.
var revertSentinels = map[string]error{
	"StakeTooLow":       ErrStakeTooLow,
	"NotOperator":       ErrNotOperator,
	"UnknownProvider":   ErrUnknownProvider,
	"ProviderNotActive": ErrProviderNotActive,
	"NotExiting":        ErrNotExiting,
	"Unbonding":         ErrUnbonding,
	"NothingToWithdraw": ErrNothingToWithdraw,
	"InvalidNodeKey":    ErrInvalidNodeKey,
	"InvalidEndpoint":   ErrInvalidEndpoint,
	"InvalidServices":   ErrInvalidServices,
	"ValueOutOfRange":   ErrValueOutOfRange,
	"ZeroAmount":        ErrZeroAmount,
	"ZeroAddress":       ErrZeroAddress,
	"InvalidParam":      ErrInvalidParam,

	"WrongValue":          ErrWrongValue,
	"TokenNotAccepted":    ErrTokenNotAccepted,
	"ThawExceedsBalance":  ErrThawExceedsBalance,
	"NothingThawing":      ErrNothingThawing,
	"ThawNotEnded":        ErrThawNotEnded,
	"BadSignature":        ErrBadSignature,
	"UnauthorisedSigner":  ErrUnauthorisedSigner,
	"NothingToCollect":    ErrNothingToCollect,
	"EmptyBalance":        ErrEmptyBalance,
	"SignerNotAuthorised": ErrSignerNotAuthorised,
	"LengthMismatch":      ErrLengthMismatch,
	"EmptyBatch":          ErrEmptyBatch,
	"InvalidBatchEntry":   ErrInvalidBatchEntry,
	"EthTransferFailed":   ErrEthTransferFailed,

	"ReentrancyGuardReentrantCall": ErrReentrantCall,
	"SafeERC20FailedOperation":     ErrTokenTransferFailed,
	"InvalidShortString":           ErrInvalidParam,
	"StringTooLong":                ErrInvalidParam,
	"ERC20InsufficientBalance":     ErrInsufficientTokenBalance,
	"ERC20InsufficientAllowance":   ErrInsufficientAllowance,
	"ERC20InvalidApprover":         ErrTokenTransferFailed,
	"ERC20InvalidReceiver":         ErrTokenTransferFailed,
	"ERC20InvalidSender":           ErrTokenTransferFailed,
	"ERC20InvalidSpender":          ErrTokenTransferFailed,
}

// RevertError is a decoded contract revert.
type RevertError struct {
	Name string // Solidity error name ("ThawNotEnded"), "Error" for require strings, "Panic" for panics
	// Args holds the decoded arguments in declaration order: *big.Int for uintN with N > 64, uint8..uint64
	// for smaller ones, common.Address, [4]uint8 for bytes4, string.
	Args []any
	Data []byte // raw revert data
	Err  error  // the sentinel (nil when the selector is unknown); *BatchEntryError for InvalidBatchEntry
}

func (e *RevertError) Error() string {
	args := make([]string, len(e.Args))
	for i, a := range e.Args {
		args[i] = fmt.Sprint(a)
	}
	name := e.Name
	if name == "" {
		name = fmt.Sprintf("unknown error 0x%x", e.Data)
	}
	msg := fmt.Sprintf("%s(%s)", name, strings.Join(args, ", "))
	if e.Err != nil {
		return e.Err.Error() + ": " + msg
	}
	return "market: contract reverted: " + msg
}

// Unwrap lets errors.Is match both ErrReverted and the sentinel.
func (e *RevertError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrReverted}
	}
	return []error{e.Err, ErrReverted}
}

// Uint returns argument i as a *big.Int (nil if it is not an integer).
func (e *RevertError) Uint(i int) *big.Int {
	if i < 0 || i >= len(e.Args) {
		return nil
	}
	switch v := e.Args[i].(type) {
	case *big.Int:
		return v
	case uint8:
		return new(big.Int).SetUint64(uint64(v))
	case uint64:
		return new(big.Int).SetUint64(v)
	}
	return nil
}

// BatchEntryError reports the collectBatch entry that made the whole batch revert.
type BatchEntryError struct {
	Index int
	Err   error // the sentinel collect would have returned for that voucher
}

func (e *BatchEntryError) Error() string {
	return fmt.Sprintf("market: batch entry %d: %v", e.Index, e.Err)
}

// Unwrap matches ErrInvalidBatchEntry and the entry's own sentinel.
func (e *BatchEntryError) Unwrap() []error { return []error{ErrInvalidBatchEntry, e.Err} }

// contractABIs are the ABIs searched for error selectors.
var contractABIs = func() []*abi.ABI {
	var out []*abi.ABI
	for _, m := range []interface{ ParseABI() (*abi.ABI, error) }{
		&bindings.EscrowMetaData, &bindings.RegistryMetaData, &bindings.TestTokenMetaData,
	} {
		a, err := m.ParseABI()
		if err != nil {
			panic(err) // generated ABI; covered by tests
		}
		out = append(out, a)
	}
	return out
}()

func errorBySelector(sel [4]byte) *abi.Error {
	for _, a := range contractABIs {
		if e, err := a.ErrorByID(sel); err == nil {
			return e
		}
	}
	return nil
}

// sentinelBySelector maps a 4-byte error selector (as carried by InvalidBatchEntry) to its sentinel.
func sentinelBySelector(sel [4]byte) error {
	if e := errorBySelector(sel); e != nil {
		if s := revertSentinels[e.Name]; s != nil {
			return s
		}
	}
	return fmt.Errorf("%w: unknown error selector 0x%x", ErrReverted, sel)
}

var (
	selectorError = [4]byte{0x08, 0xc3, 0x79, 0xa0} // Error(string)
	selectorPanic = [4]byte{0x4e, 0x48, 0x7b, 0x71} // Panic(uint256)
)

// DecodeRevert decodes revert data returned by one of the market contracts.
func DecodeRevert(data []byte) *RevertError {
	re := &RevertError{Data: append([]byte(nil), data...)}
	if len(data) < 4 {
		return re
	}
	sel := [4]byte(data[:4])
	switch sel {
	case selectorError, selectorPanic:
		if reason, err := abi.UnpackRevert(data); err == nil {
			re.Name, re.Args = "Error", []any{reason}
			if sel == selectorPanic {
				re.Name = "Panic"
			}
		}
		return re
	}
	e := errorBySelector(sel)
	if e == nil {
		return re
	}
	re.Name = e.Name
	re.Err = revertSentinels[e.Name]
	args, err := e.Inputs.Unpack(data[4:])
	if err != nil {
		return re
	}
	re.Args = args
	if e.Name == "InvalidBatchEntry" && len(args) == 2 {
		idx, _ := args[0].(*big.Int)
		reason, _ := args[1].([4]byte)
		if idx != nil && idx.IsInt64() {
			re.Err = &BatchEntryError{Index: int(idx.Int64()), Err: sentinelBySelector(reason)}
		}
	}
	return re
}

// decodeRevert turns an RPC error carrying revert data (eth_call, eth_estimateGas) into a
// *RevertError, wrapping the original error's message; other errors pass through unchanged.
func decodeRevert(err error) error {
	if err == nil {
		return nil
	}
	data, ok := ethclient.RevertErrorData(err)
	if !ok {
		return err
	}
	return DecodeRevert(data)
}
