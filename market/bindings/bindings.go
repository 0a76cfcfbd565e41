// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package bindings

import (
	"bytes"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = bytes.Equal
	_ = errors.New
	_ = big.NewInt
	_ = common.Big1
	_ = types.BloomLookup
	_ = abi.ConvertType
)

// EscrowVoucher is an auto generated low-level Go binding around an user-defined struct.
type EscrowVoucher struct {
	Payer      common.Address
	ProviderId *big.Int
	Token      common.Address
	Lane       uint64
	Cumulative *big.Int
}

// RegistryPrice is an auto generated low-level Go binding around an user-defined struct.
type RegistryPrice struct {
	PerKWakeups *big.Int
	PerKHistory *big.Int
	PerGBMonth  *big.Int
}

// RegistryProviderInfo is an auto generated low-level Go binding around an user-defined struct.
type RegistryProviderInfo struct {
	Id                    *big.Int
	Operator              common.Address
	Token                 common.Address
	Stake                 *big.Int
	Services              uint8
	Gateways              uint8
	CapacityWakeupsPerDay uint64
	CapacityGB            uint64
	Price                 RegistryPrice
	PendingPrice          RegistryPrice
	PendingAt             uint64
	ExitAt                uint64
	NodeKey               []byte
	Endpoint              string
}

// RegistryRegisterArgs is an auto generated low-level Go binding around an user-defined struct.
type RegistryRegisterArgs struct {
	Endpoint              string
	NodeKey               []byte
	Services              uint8
	Gateways              uint8
	CapacityWakeupsPerDay uint64
	CapacityGB            uint64
	Price                 RegistryPrice
	Token                 common.Address
	Stake                 *big.Int
}

// EscrowMetaData contains all meta data concerning the Escrow contract.
var EscrowMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"contractIProviderRegistry\",\"name\":\"registry_\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"thawPeriod_\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"revokeDelay_\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"BadSignature\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"EmptyBalance\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"EmptyBatch\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"EthTransferFailed\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"index\",\"type\":\"uint256\"},{\"internalType\":\"bytes4\",\"name\":\"reason\",\"type\":\"bytes4\"}],\"name\":\"InvalidBatchEntry\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidParam\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidShortString\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"LengthMismatch\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"}],\"name\":\"NotOperator\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NothingThawing\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NothingToCollect\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"name\":\"ProviderNotActive\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ReentrancyGuardReentrantCall\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"SafeERC20FailedOperation\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"}],\"name\":\"SignerNotAuthorised\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"string\",\"name\":\"str\",\"type\":\"string\"}],\"name\":\"StringTooLong\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"balance\",\"type\":\"uint256\"}],\"name\":\"ThawExceedsBalance\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"thawEndsAt\",\"type\":\"uint256\"}],\"name\":\"ThawNotEnded\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"accepted\",\"type\":\"address\"}],\"name\":\"TokenNotAccepted\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"}],\"name\":\"UnauthorisedSigner\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ValueOutOfRange\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"expected\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"sent\",\"type\":\"uint256\"}],\"name\":\"WrongValue\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAddress\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAmount\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"payer\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"providerId\",\"type\":\"uint256\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"lane\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"index\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"bytes4\",\"name\":\"reason\",\"type\":\"bytes4\"}],\"name\":\"CollectSkipped\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"payer\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"providerId\",\"type\":\"uint256\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"lane\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"cumulative\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"paid\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"collected\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"balance\",\"type\":\"uint256\"}],\"name\":\"Collected\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"payer\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"providerId\",\"type\":\"uint256\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"balance\",\"type\":\"uint256\"}],\"name\":\"Deposited\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[],\"name\":\"EIP712DomainChanged\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"payer\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"}],\"name\":\"SignerAuthorised\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"payer\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"revokeAt\",\"type\":\"uint256\"}],\"name\":\"SignerRevocationRequested\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"payer\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"providerId\",\"type\":\"uint256\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"thawEndsAt\",\"type\":\"uint256\"}],\"name\":\"ThawStarted\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"payer\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"providerId\",\"type\":\"uint256\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"balance\",\"type\":\"uint256\"}],\"name\":\"Withdrawn\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"MAX_DELAY\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"VOUCHER_TYPEHASH\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"payer\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"providerId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"account\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"balance\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"thawing\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"thawEndsAt\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"}],\"name\":\"authoriseSigner\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"payer\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"providerId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"lane\",\"type\":\"uint64\"},{\"internalType\":\"uint256\",\"name\":\"cumulative\",\"type\":\"uint256\"}],\"internalType\":\"structEscrow.Voucher\",\"name\":\"v\",\"type\":\"tuple\"},{\"internalType\":\"bytes\",\"name\":\"signature\",\"type\":\"bytes\"}],\"name\":\"collect\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"paid\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"payer\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"providerId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"lane\",\"type\":\"uint64\"},{\"internalType\":\"uint256\",\"name\":\"cumulative\",\"type\":\"uint256\"}],\"internalType\":\"structEscrow.Voucher[]\",\"name\":\"vouchers\",\"type\":\"tuple[]\"},{\"internalType\":\"bytes[]\",\"name\":\"signatures\",\"type\":\"bytes[]\"}],\"name\":\"collectBatch\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"total\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"payer\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"providerId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"lane\",\"type\":\"uint64\"}],\"name\":\"collected\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"providerId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"deposit\",\"outputs\":[],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"payer\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"providerId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"depositFor\",\"outputs\":[],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"domainSeparator\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"eip712Domain\",\"outputs\":[{\"internalType\":\"bytes1\",\"name\":\"fields\",\"type\":\"bytes1\"},{\"internalType\":\"string\",\"name\":\"name\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"version\",\"type\":\"string\"},{\"internalType\":\"uint256\",\"name\":\"chainId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"verifyingContract\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"salt\",\"type\":\"bytes32\"},{\"internalType\":\"uint256[]\",\"name\":\"extensions\",\"type\":\"uint256[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"payer\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"providerId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"lane\",\"type\":\"uint64\"},{\"internalType\":\"uint256\",\"name\":\"cumulative\",\"type\":\"uint256\"}],\"internalType\":\"structEscrow.Voucher\",\"name\":\"v\",\"type\":\"tuple\"}],\"name\":\"hashVoucher\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"payer\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"}],\"name\":\"isAuthorisedSigner\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"registry\",\"outputs\":[{\"internalType\":\"contractIProviderRegistry\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"revokeDelay\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"}],\"name\":\"revokeSigner\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"payer\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"}],\"name\":\"signerValidUntil\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"providerId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"thaw\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"thawPeriod\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"providerId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"withdraw\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "2f94a71a81b891298d0576b3849a4b1892",
	Bin: "0x6101c080604052346101fe5760608161294880380380916100208285610202565b8339810103126101fe5780516001600160a01b03811691908281036101fe576040602083015192015192604051610058604082610202565b600f815260208101906e706e6d61726b657420457363726f7760881b825260405191610085604084610202565b600183526020830191603160f81b835261009e81610239565b610120526100ab84610239565b61014052519020918260e05251902080610100524660a0526040519060208201927f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f8452604083015260608201524660808201523060a082015260a0815261011460c082610202565b5190206080523060c052156101ef576301e13380821180156101e2575b6101d35761016052610180526101a0526040516126a390816102a58239608051816124a6015260a05181612563015260c05181612477015260e051816124f50152610100518161251b0152610120518161074b0152610140518161077401526101605181818161034001528181610ba301528181610d0201526120620152610180518181816106310152610fb601526101a051818181610131015261019b0152f35b633494a40d60e21b5f5260045ffd5b506301e133808311610131565b63d92e233d60e01b5f5260045ffd5b5f80fd5b601f909101601f19168101906001600160401b0382119082101761022557604052565b634e487b7160e01b5f52604160045260245ffd5b601f815111610264576020815191015160208210610255571790565b5f198260200360031b1b161790565b604460209160405192839163305a27a960e01b83528160048401528051918291826024860152018484015e5f828201840152601f01601f19168101030190fdfe60806040526004361015610011575f80fd5b5f3560e01c8062f714ce146110d75780631fea850014611050578063207810d414610fd95780633c0ea01e14610f9f5780634125ff9014610f815780634b53f4b814610e86578063574a953014610e1f578063601f5d6d14610dcb57806369ad933114610d265780637b10399914610ce35780637cfefa9e1461084757806384b0196e1461073357806394739e87146106f9578063a06016881461068c578063b53b2e0214610480578063b8502d88146102a3578063bc157ac114610263578063c34b44a014610154578063ca21342e1461011a5763f698da25146100f4575f80fd5b34610116575f60031936011261011657602061010e61246d565b604051908152f35b5f80fd5b34610116575f6003193601126101165760206040517f00000000000000000000000000000000000000000000000000000000000000008152f35b346101165760206003193601126101165761016d611305565b335f52600460205260405f206001600160a01b0382165f5260205260405f2054904282111561022e576101c07f000000000000000000000000000000000000000000000000000000000000000042611577565b918083101561021e57506001600160a01b0390335f52600460205260405f208282165f526020528260405f20555b60405192835216907f4e769a84031ec24fb780e1ce00990414cd1a40b885916ee186b574d320ac1c0260203392a3005b91506001600160a01b03906101ee565b6001600160a01b03907fec459bc0000000000000000000000000000000000000000000000000000000005f521660045260245ffd5b61027e61026f36611374565b91610278611584565b3361201c565b5f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d005b3461011657600319360160c081126101165760a0136101165760a43567ffffffffffffffff8111610116573660238201121561011657806004013567ffffffffffffffff811161011657366024828401011161011657610301611584565b6024356040517ff41875e10000000000000000000000000000000000000000000000000000000081528160048201526020816024816001600160a01b037f0000000000000000000000000000000000000000000000000000000000000000165afa908115610475575f9161043b575b506001600160a01b033391160361040c5750602461038e920161174a565b7fffffffff0000000000000000000000000000000000000000000000000000000081166104055750604435906001600160a01b0382168203610116576103da81836020945033906115f8565b5f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d604051908152f35b5f5260045ffd5b7fcd6dc9bc000000000000000000000000000000000000000000000000000000005f526004523360245260445ffd5b90506020813d60201161046d575b81610456602093836113e7565b810103126101165761046790611563565b84610370565b3d9150610449565b6040513d5f823e3d90fd5b346101165761048e36611374565b90916104af8382339091606092604051928352602083015260408201522090565b92835f52600260205260405f20604051906104c98261139e565b549464ffffffffff6bffffffffffffffffffffffff8716968784526bffffffffffffffffffffffff8160601c16602085015260c01c16604083015285851161065c576001600160a01b039291908561061f576bffffffffffffffffffffffff5f925b5116906040519161053b8361139e565b825260208201906bffffffffffffffffffffffff88168252604083019064ffffffffff851682525f5260026020526bffffffffffffffffffffffff60405f209351167fffffff00000000000000000000000000000000000000000000000000000000007cffffffffff00000000000000000000000000000000000000000000000077ffffffffffffffffffffffff0000000000000000000000008654955160601b16935160c01b1693161717179055604051948552602085015216917f0f205575c3e24161dd1324898e9be57dd05bba859422522445eed0cebc7322e760403392a4005b6bffffffffffffffffffffffff6106567f000000000000000000000000000000000000000000000000000000000000000042611577565b9261052b565b85857fdda6793d000000000000000000000000000000000000000000000000000000005f5260045260245260445ffd5b6080600319360112610116576106a0611305565b6106a861131b565b906106b1611584565b6001600160a01b038116156106d15761027e91606435916024359061201c565b7fd92e233d000000000000000000000000000000000000000000000000000000005f5260045ffd5b34610116575f6003193601126101165760206040517ff3b6da3326a16c29b7e2d93ce2871b85af000f295a9f7e07e95a3194ef6d47e28152f35b34610116575f600319360112610116576107eb61076f7f00000000000000000000000000000000000000000000000000000000000000006125bd565b6107987f00000000000000000000000000000000000000000000000000000000000000006125bd565b60206107f9604051926107ab83856113e7565b5f84525f3681376040519586957f0f00000000000000000000000000000000000000000000000000000000000000875260e08588015260e0870190611331565b908582036040870152611331565b4660608501523060808501525f60a085015283810360c08501528180845192838152019301915f5b82811061083057505050500390f35b835185528695509381019392810192600101610821565b346101165760406003193601126101165760043567ffffffffffffffff811161011657366023820112156101165780600401359067ffffffffffffffff82116101165736602460a08402830101116101165760243567ffffffffffffffff8111610116573660238201121561011657806004013567ffffffffffffffff8111610116573660248260051b84010111610116576108e1611584565b5f91818503610cbb578415610c9357838386925f5f955f925f915f967fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffbd83360301935b89891015610c845760a0890282019060248201918c158015610c76575b610b5c575b848b1015610b2f5760248b60051b87010135878112156101165786019260248401359367ffffffffffffffff8511610116576044018436038113610116577fffffffff00000000000000000000000000000000000000000000000000000000946109b09183611c26565b9094169081610a225750506064016109c781611462565b6001600160a01b03808b169116036109fb575b50816109eb6001936109f193611577565b99611577565b985b019796610924565b610a1690610a116109f1936001959b33906115f8565b611462565b9791505f9050816109da565b9091929a9b93507f7b2c2fef0000000000000000000000000000000000000000000000000000000082141580610b05575b610ad55790610a656001949392611462565b907fae970c68b283cb18e700cc28d3d03688c699dc9654109d358f20f0a384de037260606001600160a01b03604481610aa060648901611462565b610aac60848a01611476565b9667ffffffffffffffff604051981688528a6020890152604088015216960135941692a46109f3565b50827ff42a179c000000000000000000000000000000000000000000000000000000005f5260045260245260445ffd5b507f2313b4b600000000000000000000000000000000000000000000000000000000821415610a53565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52603260045260245ffd5b6044919c5080975001359a6040517ff41875e10000000000000000000000000000000000000000000000000000000081528c60048201526020816024816001600160a01b037f0000000000000000000000000000000000000000000000000000000000000000165afa908115610475575f91610c3d575b506001600160a01b0333911603610bed5760019b96610946565b897ff42a179c000000000000000000000000000000000000000000000000000000005f526004527fcd6dc9bc0000000000000000000000000000000000000000000000000000000060245260445ffd5b90506020813d8211610c6e575b81610c57602093836113e7565b8101031261011657610c6890611563565b8d610bd3565b3d9150610c4a565b508760448201351415610941565b876103da6020928933906115f8565b7fc2e5347d000000000000000000000000000000000000000000000000000000005f5260045ffd5b7fff633a38000000000000000000000000000000000000000000000000000000005f5260045ffd5b34610116575f6003193601126101165760206040516001600160a01b037f0000000000000000000000000000000000000000000000000000000000000000168152f35b3461011657606060031936011261011657610d63610d42611305565b610d4a61131b565b6040805192835260243560208401528201526060902090565b5f526002602052606060405f206040805191610d7e8361139e565b546bffffffffffffffffffffffff81169283815264ffffffffff6bffffffffffffffffffffffff83871c169283602084015260c01c16928391015260405192835260208301526040820152f35b3461011657604060031936011261011657610de4611305565b6001600160a01b03610df46112ef565b91165f5260046020526001600160a01b0360405f2091165f52602052602060405f2054604051908152f35b3461011657608060031936011261011657610e38611305565b610e4061131b565b6064359067ffffffffffffffff82168203610116576040805193845260243560208501528301526060820152608090205f526003602052602060405f2054604051908152f35b346101165760a0600319360112610116576004356001600160a01b038116908181036101165750604435906001600160a01b0382169182810361011657506064359067ffffffffffffffff821692838303610116576020936042935060405191858301937ff3b6da3326a16c29b7e2d93ce2871b85af000f295a9f7e07e95a3194ef6d47e2855260408401526024356060840152608083015260a082015260843560c082015260c08152610f3b60e0826113e7565b519020610f4661246d565b90604051917f190100000000000000000000000000000000000000000000000000000000000083526002830152602282015220604051908152f35b34610116575f6003193601126101165760206040516301e133808152f35b34610116575f6003193601126101165760206040517f00000000000000000000000000000000000000000000000000000000000000008152f35b3461011657604060031936011261011657610ff2611305565b6001600160a01b036110026112ef565b9116806001600160a01b03831614908115611025575b6020826040519015158152f35b90505f5260046020526001600160a01b0360405f2091165f52602052602060405f2054421082611018565b34610116576020600319360112610116576001600160a01b03611071611305565b1680156106d157335f52600460205260405f20815f526020527fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff60405f2055337fabbdecb013fb5a6eb1758b8630d05283973a7d4675997f4928debebaaa94afd15f80a3005b34610116576040600319360112610116576004356110f36112ef565b906110fc611584565b604080513381526020810183905290810183905260609020805f52600260205260405f20916040519261112e8461139e565b54926bffffffffffffffffffffffff841681526bffffffffffffffffffffffff8460601c169384602083015264ffffffffff604083019160c01c16815284156112c75764ffffffffff90511680421061129c5750936103da9284926111a4846bffffffffffffffffffffffff6020995116611428565b91604051906111b28261139e565b6bffffffffffffffffffffffff84168252888201905f825260408301905f82525f5260028a526bffffffffffffffffffffffff60405f209351167fffffff00000000000000000000000000000000000000000000000000000000007cffffffffff00000000000000000000000000000000000000000000000077ffffffffffffffffffffffff0000000000000000000000008654955160601b16935160c01b169316171717905560405191848352878301526001600160a01b038316917f2068f4e01c2161e514047b5ddd5ca30e909e63248adc3f69ec25b0f4a10a3d9c60403392a433906115f8565b7fff9dd9d6000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b7faa038c7c000000000000000000000000000000000000000000000000000000005f5260045ffd5b602435906001600160a01b038216820361011657565b600435906001600160a01b038216820361011657565b604435906001600160a01b038216820361011657565b907fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0601f602080948051918291828752018686015e5f8582860101520116010190565b600319606091011261011657600435906024356001600160a01b0381168103610116579060443590565b6060810190811067ffffffffffffffff8211176113ba57604052565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52604160045260245ffd5b90601f7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0910116810190811067ffffffffffffffff8211176113ba57604052565b9190820391821161143557565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52601160045260245ffd5b356001600160a01b03811681036101165790565b3567ffffffffffffffff811681036101165790565b60429061149781611462565b9060806114a660408301611462565b9167ffffffffffffffff6114bc60608301611476565b6001600160a01b03604051958160208801987ff3b6da3326a16c29b7e2d93ce2871b85af000f295a9f7e07e95a3194ef6d47e28a521660408801526020850135606088015216848601521660a0840152013560c082015260c0815261152260e0826113e7565b51902061152d61246d565b90604051917f19010000000000000000000000000000000000000000000000000000000000008352600283015260228201522090565b51906001600160a01b038216820361011657565b9190820180921161143557565b7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005c6115d05760017f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d565b7f3ee5aeb5000000000000000000000000000000000000000000000000000000005f5260045ffd5b8215611745576001600160a01b03168061169f57505f80809381935af13d1561169a573d67ffffffffffffffff81116113ba5760405190611661601f82017fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe016602001836113e7565b81525f60203d92013e5b1561167257565b7f6d963f88000000000000000000000000000000000000000000000000000000005f5260045ffd5b61166b565b916001600160a01b03604051927fa9059cbb000000000000000000000000000000000000000000000000000000005f521660045260245260205f60448180865af19060015f5114821615611724575b604052156116f95750565b7f5274afe7000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b90600181151661173c57823b15153d151616906116ee565b503d5f823e3d90fd5b505050565b5f9161175f9161175a600461148b565b612589565b506004811015611bf957611bd1576004356001600160a01b03811614159081610116576001600160a01b03600435166001600160a01b03821614159081611b98575b50611b7057610116576001600160a01b0360443516604435036101165767ffffffffffffffff60643516606435036101165761180060643560443560243560043591608093916040519384526020840152604083015260608201522090565b91825f52600360205260405f205492836084351115611b475761183e6044356024356004359091606092604051928352602083015260408201522090565b93845f52600260205260405f2091604051926118598461139e565b5464ffffffffff6bffffffffffffffffffffffff8216918286526bffffffffffffffffffffffff8160601c16602087015260c01c16604085015215611b1c576118a482608435611428565b956bffffffffffffffffffffffff845116808811611b14575b916119ce93916118ce898095611428565b956bffffffffffffffffffffffff6020820151168781115f14611a4e57506bffffffffffffffffffffffff87169087611a3e57505f5b604051926119118461139e565b8284526020840192835264ffffffffff60408501921682525f5260026020526bffffffffffffffffffffffff60405f209351167fffffff00000000000000000000000000000000000000000000000000000000007cffffffffff00000000000000000000000000000000000000000000000077ffffffffffffffffffffffff0000000000000000000000008654955160601b16935160c01b16931617171790555b6119bc8383611577565b905f52600360205260405f2055611577565b906040519167ffffffffffffffff6064351683526084356020840152856040840152606083015260808201526001600160a01b036044351690602435907fd5c88394ba944fa94e9850d21b0fca8be83fa12162179649bf6f8bc86663bdbe60a06001600160a01b036004351692a4565b6040015164ffffffffff16611904565b90604064ffffffffff9101511660405192611a688461139e565b6bffffffffffffffffffffffff8916845260208401928352604084019182525f5260026020526bffffffffffffffffffffffff60405f209351167fffffff00000000000000000000000000000000000000000000000000000000007cffffffffff00000000000000000000000000000000000000000000000077ffffffffffffffffffffffff0000000000000000000000008654955160601b16935160c01b16931617171790556119b2565b9650866118bd565b505f94507f2313b4b60000000000000000000000000000000000000000000000000000000093505050565b505f92507f7b2c2fef000000000000000000000000000000000000000000000000000000009150565b50505f907fcbcdfe3c0000000000000000000000000000000000000000000000000000000090565b9150505f906001600160a01b03600435165f5260046020526001600160a01b0360405f2091165f5260205260405f20544210155f6117a1565b50505f907f5cd5d2330000000000000000000000000000000000000000000000000000000090565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52602160045260245ffd5b929091611c38905f9361175a8661148b565b506004811015611bf957611ff3576001600160a01b03611c5785611462565b166001600160a01b03821614159081611fb7575b50611f8f57611c7983611462565b9260208101356040820191611cbf611c9084611462565b96606083019784611ca08a611476565b9291608093916040519384526020840152604083015260608201522090565b95865f52600360205260405f20549660808301359288841115611f6157611d0c611ce882611462565b86611cf289611462565b919091606092604051928352602083015260408201522090565b98895f52600260205260405f20926040519a8b94611d298661139e565b546bffffffffffffffffffffffff811680875264ffffffffff604060208901986bffffffffffffffffffffffff8560601c168a52019260c01c16825215611f2f576bffffffffffffffffffffffff9c611d82858a611428565b9d8e915116809111611f27575b611e24611e1e8f806001600160a01b039995987fd5c88394ba944fa94e9850d21b0fca8be83fa12162179649bf6f8bc86663bdbe9c9860a09c988c9b6bffffffffffffffffffffffff611de8611e1897611e2a9b611428565b9b51168b811115611e6457506bffffffffffffffffffffffff8b16908b611e5757505f604051926119118461139e565b93611462565b9b611462565b93611476565b9767ffffffffffffffff6040519916895260208901528c60408901526060880152608087015216951692a4565b5164ffffffffff16611904565b9064ffffffffff90511660405192611e7b8461139e565b6bffffffffffffffffffffffff8d16845260208401928352604084019182525f5260026020526bffffffffffffffffffffffff60405f209351167fffffff00000000000000000000000000000000000000000000000000000000007cffffffffff00000000000000000000000000000000000000000000000077ffffffffffffffffffffffff0000000000000000000000008654955160601b16935160c01b16931617171790556119b2565b9c508c611d8f565b505f9b507f2313b4b6000000000000000000000000000000000000000000000000000000009a50505050505050505050565b505f97507f7b2c2fef0000000000000000000000000000000000000000000000000000000096505050505050565b5f92507fcbcdfe3c000000000000000000000000000000000000000000000000000000009150565b90506001600160a01b03611fca85611462565b165f5260046020526001600160a01b0360405f2091165f5260205260405f20544210155f611c6b565b505f92507f5cd5d233000000000000000000000000000000000000000000000000000000009150565b929091928115612445576040517f2fa6260c0000000000000000000000000000000000000000000000000000000081528360048201526040816024816001600160a01b037f0000000000000000000000000000000000000000000000000000000000000000165afa8015610475575f915f916123fa575b50156123ce576001600160a01b0316936001600160a01b0381169480860361239f5750841590811561236157833403612331576120e6905b85849091606092604051928352602083015260408201522090565b90815f52600260205260405f2091604051926121018461139e565b54612146866bffffffffffffffffffffffff831680875264ffffffffff604060208901986bffffffffffffffffffffffff8760601c168a52019460c01c168452611577565b936bffffffffffffffffffffffff8511612309576bffffffffffffffffffffffff64ffffffffff915116915116604051926121808461139e565b6bffffffffffffffffffffffff8616845260208401928352604084019182525f5260026020526bffffffffffffffffffffffff60405f209351167fffffff00000000000000000000000000000000000000000000000000000000007cffffffffff00000000000000000000000000000000000000000000000077ffffffffffffffffffffffff0000000000000000000000008654955160601b16935160c01b169316171717905515612270575b6001600160a01b037f87402ac86e4003d436103165647b39c1e7404a637c66d22c835bb345c7e1db049260609260405195338752602087015260408601521692a4565b6040517f23b872dd000000000000000000000000000000000000000000000000000000005f5233600452306024528360445260205f606481808a5af19060015f51148216156122f1575b6040525f60605261222d57847f5274afe7000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b90600181151661173c57863b15153d151616906122ba565b7f4eb4f9fb000000000000000000000000000000000000000000000000000000005f5260045ffd5b837f195a3ca1000000000000000000000000000000000000000000000000000000005f526004523460245260445ffd5b3461236f576120e6906120cb565b7f195a3ca1000000000000000000000000000000000000000000000000000000005f525f6004523460245260445ffd5b857f876bda55000000000000000000000000000000000000000000000000000000005f5260045260245260445ffd5b837fbee4b1ce000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b9150506040813d60401161243d575b81612416604093836113e7565b8101031261011657602061242982611563565b91015190811515820361011657905f612093565b3d9150612409565b7f1f2a2005000000000000000000000000000000000000000000000000000000005f5260045ffd5b6001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016301480612560575b156124c8577f000000000000000000000000000000000000000000000000000000000000000090565b60405160208101907f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f82527f000000000000000000000000000000000000000000000000000000000000000060408201527f000000000000000000000000000000000000000000000000000000000000000060608201524660808201523060a082015260a0815261255a60c0826113e7565b51902090565b507f0000000000000000000000000000000000000000000000000000000000000000461461249f565b90604183036125b3576125ac9250602081013591604082359201355f1a90612614565b9192909190565b50505f9160029190565b60ff811690601f82116125ec57604051916125d96040846113e7565b6020808452838101919036833783525290565b7fb3512b0c000000000000000000000000000000000000000000000000000000005f5260045ffd5b91907f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0841161268b579160209360809260ff5f9560405194855216868401526040830152606082015282805260015afa15610475575f516001600160a01b0381161561268157905f905f90565b505f906001905f90565b5050505f916003919056fea164736f6c6343000825000a",
}

// Escrow is an auto generated Go binding around an Ethereum contract.
type Escrow struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *Escrow) GetABI() abi.ABI {
	return c.abi
}

// NewEscrow creates a new instance of Escrow.
func NewEscrow() *Escrow {
	parsed, err := EscrowMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &Escrow{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *Escrow) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address registry_, uint256 thawPeriod_, uint256 revokeDelay_) returns()
func (escrow *Escrow) PackConstructor(registry_ common.Address, thawPeriod_ *big.Int, revokeDelay_ *big.Int) []byte {
	enc, err := escrow.abi.Pack("", registry_, thawPeriod_, revokeDelay_)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackMAXDELAY is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4125ff90.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_DELAY() view returns(uint256)
func (escrow *Escrow) PackMAXDELAY() []byte {
	enc, err := escrow.abi.Pack("MAX_DELAY")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXDELAY is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4125ff90.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_DELAY() view returns(uint256)
func (escrow *Escrow) TryPackMAXDELAY() ([]byte, error) {
	return escrow.abi.Pack("MAX_DELAY")
}

// UnpackMAXDELAY is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x4125ff90.
//
// Solidity: function MAX_DELAY() view returns(uint256)
func (escrow *Escrow) UnpackMAXDELAY(data []byte) (*big.Int, error) {
	out, err := escrow.abi.Unpack("MAX_DELAY", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackVOUCHERTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x94739e87.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function VOUCHER_TYPEHASH() view returns(bytes32)
func (escrow *Escrow) PackVOUCHERTYPEHASH() []byte {
	enc, err := escrow.abi.Pack("VOUCHER_TYPEHASH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackVOUCHERTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x94739e87.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function VOUCHER_TYPEHASH() view returns(bytes32)
func (escrow *Escrow) TryPackVOUCHERTYPEHASH() ([]byte, error) {
	return escrow.abi.Pack("VOUCHER_TYPEHASH")
}

// UnpackVOUCHERTYPEHASH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x94739e87.
//
// Solidity: function VOUCHER_TYPEHASH() view returns(bytes32)
func (escrow *Escrow) UnpackVOUCHERTYPEHASH(data []byte) ([32]byte, error) {
	out, err := escrow.abi.Unpack("VOUCHER_TYPEHASH", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackAccount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x69ad9331.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function account(address payer, uint256 providerId, address token) view returns(uint256 balance, uint256 thawing, uint256 thawEndsAt)
func (escrow *Escrow) PackAccount(payer common.Address, providerId *big.Int, token common.Address) []byte {
	enc, err := escrow.abi.Pack("account", payer, providerId, token)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAccount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x69ad9331.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function account(address payer, uint256 providerId, address token) view returns(uint256 balance, uint256 thawing, uint256 thawEndsAt)
func (escrow *Escrow) TryPackAccount(payer common.Address, providerId *big.Int, token common.Address) ([]byte, error) {
	return escrow.abi.Pack("account", payer, providerId, token)
}

// AccountOutput serves as a container for the return parameters of contract
// method Account.
type AccountOutput struct {
	Balance    *big.Int
	Thawing    *big.Int
	ThawEndsAt *big.Int
}

// UnpackAccount is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x69ad9331.
//
// Solidity: function account(address payer, uint256 providerId, address token) view returns(uint256 balance, uint256 thawing, uint256 thawEndsAt)
func (escrow *Escrow) UnpackAccount(data []byte) (AccountOutput, error) {
	out, err := escrow.abi.Unpack("account", data)
	outstruct := new(AccountOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Balance = abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	outstruct.Thawing = abi.ConvertType(out[1], new(big.Int)).(*big.Int)
	outstruct.ThawEndsAt = abi.ConvertType(out[2], new(big.Int)).(*big.Int)
	return *outstruct, nil
}

// PackAuthoriseSigner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1fea8500.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function authoriseSigner(address signer) returns()
func (escrow *Escrow) PackAuthoriseSigner(signer common.Address) []byte {
	enc, err := escrow.abi.Pack("authoriseSigner", signer)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAuthoriseSigner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1fea8500.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function authoriseSigner(address signer) returns()
func (escrow *Escrow) TryPackAuthoriseSigner(signer common.Address) ([]byte, error) {
	return escrow.abi.Pack("authoriseSigner", signer)
}

// PackCollect is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb8502d88.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function collect((address,uint256,address,uint64,uint256) v, bytes signature) returns(uint256 paid)
func (escrow *Escrow) PackCollect(v EscrowVoucher, signature []byte) []byte {
	enc, err := escrow.abi.Pack("collect", v, signature)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCollect is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb8502d88.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function collect((address,uint256,address,uint64,uint256) v, bytes signature) returns(uint256 paid)
func (escrow *Escrow) TryPackCollect(v EscrowVoucher, signature []byte) ([]byte, error) {
	return escrow.abi.Pack("collect", v, signature)
}

// UnpackCollect is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xb8502d88.
//
// Solidity: function collect((address,uint256,address,uint64,uint256) v, bytes signature) returns(uint256 paid)
func (escrow *Escrow) UnpackCollect(data []byte) (*big.Int, error) {
	out, err := escrow.abi.Unpack("collect", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackCollectBatch is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7cfefa9e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function collectBatch((address,uint256,address,uint64,uint256)[] vouchers, bytes[] signatures) returns(uint256 total)
func (escrow *Escrow) PackCollectBatch(vouchers []EscrowVoucher, signatures [][]byte) []byte {
	enc, err := escrow.abi.Pack("collectBatch", vouchers, signatures)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCollectBatch is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7cfefa9e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function collectBatch((address,uint256,address,uint64,uint256)[] vouchers, bytes[] signatures) returns(uint256 total)
func (escrow *Escrow) TryPackCollectBatch(vouchers []EscrowVoucher, signatures [][]byte) ([]byte, error) {
	return escrow.abi.Pack("collectBatch", vouchers, signatures)
}

// UnpackCollectBatch is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x7cfefa9e.
//
// Solidity: function collectBatch((address,uint256,address,uint64,uint256)[] vouchers, bytes[] signatures) returns(uint256 total)
func (escrow *Escrow) UnpackCollectBatch(data []byte) (*big.Int, error) {
	out, err := escrow.abi.Unpack("collectBatch", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackCollected is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x574a9530.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function collected(address payer, uint256 providerId, address token, uint64 lane) view returns(uint256)
func (escrow *Escrow) PackCollected(payer common.Address, providerId *big.Int, token common.Address, lane uint64) []byte {
	enc, err := escrow.abi.Pack("collected", payer, providerId, token, lane)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCollected is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x574a9530.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function collected(address payer, uint256 providerId, address token, uint64 lane) view returns(uint256)
func (escrow *Escrow) TryPackCollected(payer common.Address, providerId *big.Int, token common.Address, lane uint64) ([]byte, error) {
	return escrow.abi.Pack("collected", payer, providerId, token, lane)
}

// UnpackCollected is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x574a9530.
//
// Solidity: function collected(address payer, uint256 providerId, address token, uint64 lane) view returns(uint256)
func (escrow *Escrow) UnpackCollected(data []byte) (*big.Int, error) {
	out, err := escrow.abi.Unpack("collected", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackDeposit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbc157ac1.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function deposit(uint256 providerId, address token, uint256 amount) payable returns()
func (escrow *Escrow) PackDeposit(providerId *big.Int, token common.Address, amount *big.Int) []byte {
	enc, err := escrow.abi.Pack("deposit", providerId, token, amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDeposit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbc157ac1.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function deposit(uint256 providerId, address token, uint256 amount) payable returns()
func (escrow *Escrow) TryPackDeposit(providerId *big.Int, token common.Address, amount *big.Int) ([]byte, error) {
	return escrow.abi.Pack("deposit", providerId, token, amount)
}

// PackDepositFor is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa0601688.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function depositFor(address payer, uint256 providerId, address token, uint256 amount) payable returns()
func (escrow *Escrow) PackDepositFor(payer common.Address, providerId *big.Int, token common.Address, amount *big.Int) []byte {
	enc, err := escrow.abi.Pack("depositFor", payer, providerId, token, amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDepositFor is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa0601688.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function depositFor(address payer, uint256 providerId, address token, uint256 amount) payable returns()
func (escrow *Escrow) TryPackDepositFor(payer common.Address, providerId *big.Int, token common.Address, amount *big.Int) ([]byte, error) {
	return escrow.abi.Pack("depositFor", payer, providerId, token, amount)
}

// PackDomainSeparator is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf698da25.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function domainSeparator() view returns(bytes32)
func (escrow *Escrow) PackDomainSeparator() []byte {
	enc, err := escrow.abi.Pack("domainSeparator")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDomainSeparator is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf698da25.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function domainSeparator() view returns(bytes32)
func (escrow *Escrow) TryPackDomainSeparator() ([]byte, error) {
	return escrow.abi.Pack("domainSeparator")
}

// UnpackDomainSeparator is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf698da25.
//
// Solidity: function domainSeparator() view returns(bytes32)
func (escrow *Escrow) UnpackDomainSeparator(data []byte) ([32]byte, error) {
	out, err := escrow.abi.Unpack("domainSeparator", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackEip712Domain is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x84b0196e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (escrow *Escrow) PackEip712Domain() []byte {
	enc, err := escrow.abi.Pack("eip712Domain")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackEip712Domain is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x84b0196e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (escrow *Escrow) TryPackEip712Domain() ([]byte, error) {
	return escrow.abi.Pack("eip712Domain")
}

// Eip712DomainOutput serves as a container for the return parameters of contract
// method Eip712Domain.
type Eip712DomainOutput struct {
	Fields            [1]byte
	Name              string
	Version           string
	ChainId           *big.Int
	VerifyingContract common.Address
	Salt              [32]byte
	Extensions        []*big.Int
}

// UnpackEip712Domain is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x84b0196e.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (escrow *Escrow) UnpackEip712Domain(data []byte) (Eip712DomainOutput, error) {
	out, err := escrow.abi.Unpack("eip712Domain", data)
	outstruct := new(Eip712DomainOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Fields = *abi.ConvertType(out[0], new([1]byte)).(*[1]byte)
	outstruct.Name = *abi.ConvertType(out[1], new(string)).(*string)
	outstruct.Version = *abi.ConvertType(out[2], new(string)).(*string)
	outstruct.ChainId = abi.ConvertType(out[3], new(big.Int)).(*big.Int)
	outstruct.VerifyingContract = *abi.ConvertType(out[4], new(common.Address)).(*common.Address)
	outstruct.Salt = *abi.ConvertType(out[5], new([32]byte)).(*[32]byte)
	outstruct.Extensions = *abi.ConvertType(out[6], new([]*big.Int)).(*[]*big.Int)
	return *outstruct, nil
}

// PackHashVoucher is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4b53f4b8.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function hashVoucher((address,uint256,address,uint64,uint256) v) view returns(bytes32)
func (escrow *Escrow) PackHashVoucher(v EscrowVoucher) []byte {
	enc, err := escrow.abi.Pack("hashVoucher", v)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackHashVoucher is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4b53f4b8.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function hashVoucher((address,uint256,address,uint64,uint256) v) view returns(bytes32)
func (escrow *Escrow) TryPackHashVoucher(v EscrowVoucher) ([]byte, error) {
	return escrow.abi.Pack("hashVoucher", v)
}

// UnpackHashVoucher is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x4b53f4b8.
//
// Solidity: function hashVoucher((address,uint256,address,uint64,uint256) v) view returns(bytes32)
func (escrow *Escrow) UnpackHashVoucher(data []byte) ([32]byte, error) {
	out, err := escrow.abi.Unpack("hashVoucher", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackIsAuthorisedSigner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x207810d4.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function isAuthorisedSigner(address payer, address signer) view returns(bool)
func (escrow *Escrow) PackIsAuthorisedSigner(payer common.Address, signer common.Address) []byte {
	enc, err := escrow.abi.Pack("isAuthorisedSigner", payer, signer)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackIsAuthorisedSigner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x207810d4.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function isAuthorisedSigner(address payer, address signer) view returns(bool)
func (escrow *Escrow) TryPackIsAuthorisedSigner(payer common.Address, signer common.Address) ([]byte, error) {
	return escrow.abi.Pack("isAuthorisedSigner", payer, signer)
}

// UnpackIsAuthorisedSigner is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x207810d4.
//
// Solidity: function isAuthorisedSigner(address payer, address signer) view returns(bool)
func (escrow *Escrow) UnpackIsAuthorisedSigner(data []byte) (bool, error) {
	out, err := escrow.abi.Unpack("isAuthorisedSigner", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackRegistry is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7b103999.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function registry() view returns(address)
func (escrow *Escrow) PackRegistry() []byte {
	enc, err := escrow.abi.Pack("registry")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRegistry is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7b103999.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function registry() view returns(address)
func (escrow *Escrow) TryPackRegistry() ([]byte, error) {
	return escrow.abi.Pack("registry")
}

// UnpackRegistry is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x7b103999.
//
// Solidity: function registry() view returns(address)
func (escrow *Escrow) UnpackRegistry(data []byte) (common.Address, error) {
	out, err := escrow.abi.Unpack("registry", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackRevokeDelay is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xca21342e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function revokeDelay() view returns(uint256)
func (escrow *Escrow) PackRevokeDelay() []byte {
	enc, err := escrow.abi.Pack("revokeDelay")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRevokeDelay is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xca21342e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function revokeDelay() view returns(uint256)
func (escrow *Escrow) TryPackRevokeDelay() ([]byte, error) {
	return escrow.abi.Pack("revokeDelay")
}

// UnpackRevokeDelay is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xca21342e.
//
// Solidity: function revokeDelay() view returns(uint256)
func (escrow *Escrow) UnpackRevokeDelay(data []byte) (*big.Int, error) {
	out, err := escrow.abi.Unpack("revokeDelay", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackRevokeSigner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc34b44a0.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function revokeSigner(address signer) returns()
func (escrow *Escrow) PackRevokeSigner(signer common.Address) []byte {
	enc, err := escrow.abi.Pack("revokeSigner", signer)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRevokeSigner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc34b44a0.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function revokeSigner(address signer) returns()
func (escrow *Escrow) TryPackRevokeSigner(signer common.Address) ([]byte, error) {
	return escrow.abi.Pack("revokeSigner", signer)
}

// PackSignerValidUntil is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x601f5d6d.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function signerValidUntil(address payer, address signer) view returns(uint256)
func (escrow *Escrow) PackSignerValidUntil(payer common.Address, signer common.Address) []byte {
	enc, err := escrow.abi.Pack("signerValidUntil", payer, signer)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSignerValidUntil is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x601f5d6d.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function signerValidUntil(address payer, address signer) view returns(uint256)
func (escrow *Escrow) TryPackSignerValidUntil(payer common.Address, signer common.Address) ([]byte, error) {
	return escrow.abi.Pack("signerValidUntil", payer, signer)
}

// UnpackSignerValidUntil is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x601f5d6d.
//
// Solidity: function signerValidUntil(address payer, address signer) view returns(uint256)
func (escrow *Escrow) UnpackSignerValidUntil(data []byte) (*big.Int, error) {
	out, err := escrow.abi.Unpack("signerValidUntil", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackThaw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb53b2e02.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function thaw(uint256 providerId, address token, uint256 amount) returns()
func (escrow *Escrow) PackThaw(providerId *big.Int, token common.Address, amount *big.Int) []byte {
	enc, err := escrow.abi.Pack("thaw", providerId, token, amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackThaw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb53b2e02.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function thaw(uint256 providerId, address token, uint256 amount) returns()
func (escrow *Escrow) TryPackThaw(providerId *big.Int, token common.Address, amount *big.Int) ([]byte, error) {
	return escrow.abi.Pack("thaw", providerId, token, amount)
}

// PackThawPeriod is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3c0ea01e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function thawPeriod() view returns(uint256)
func (escrow *Escrow) PackThawPeriod() []byte {
	enc, err := escrow.abi.Pack("thawPeriod")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackThawPeriod is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3c0ea01e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function thawPeriod() view returns(uint256)
func (escrow *Escrow) TryPackThawPeriod() ([]byte, error) {
	return escrow.abi.Pack("thawPeriod")
}

// UnpackThawPeriod is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x3c0ea01e.
//
// Solidity: function thawPeriod() view returns(uint256)
func (escrow *Escrow) UnpackThawPeriod(data []byte) (*big.Int, error) {
	out, err := escrow.abi.Unpack("thawPeriod", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackWithdraw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x00f714ce.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function withdraw(uint256 providerId, address token) returns(uint256 amount)
func (escrow *Escrow) PackWithdraw(providerId *big.Int, token common.Address) []byte {
	enc, err := escrow.abi.Pack("withdraw", providerId, token)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackWithdraw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x00f714ce.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function withdraw(uint256 providerId, address token) returns(uint256 amount)
func (escrow *Escrow) TryPackWithdraw(providerId *big.Int, token common.Address) ([]byte, error) {
	return escrow.abi.Pack("withdraw", providerId, token)
}

// UnpackWithdraw is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x00f714ce.
//
// Solidity: function withdraw(uint256 providerId, address token) returns(uint256 amount)
func (escrow *Escrow) UnpackWithdraw(data []byte) (*big.Int, error) {
	out, err := escrow.abi.Unpack("withdraw", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// EscrowCollectSkipped represents a CollectSkipped event raised by the Escrow contract.
type EscrowCollectSkipped struct {
	Payer      common.Address
	ProviderId *big.Int
	Token      common.Address
	Lane       uint64
	Index      *big.Int
	Reason     [4]byte
	Raw        *types.Log // Blockchain specific contextual infos
}

const EscrowCollectSkippedEventName = "CollectSkipped"

// ContractEventName returns the user-defined event name.
func (EscrowCollectSkipped) ContractEventName() string {
	return EscrowCollectSkippedEventName
}

// UnpackCollectSkippedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event CollectSkipped(address indexed payer, uint256 indexed providerId, address indexed token, uint64 lane, uint256 index, bytes4 reason)
func (escrow *Escrow) UnpackCollectSkippedEvent(log *types.Log) (*EscrowCollectSkipped, error) {
	event := "CollectSkipped"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != escrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(EscrowCollectSkipped)
	if len(log.Data) > 0 {
		if err := escrow.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range escrow.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// EscrowCollected represents a Collected event raised by the Escrow contract.
type EscrowCollected struct {
	Payer      common.Address
	ProviderId *big.Int
	Token      common.Address
	Lane       uint64
	Cumulative *big.Int
	Paid       *big.Int
	Collected  *big.Int
	Balance    *big.Int
	Raw        *types.Log // Blockchain specific contextual infos
}

const EscrowCollectedEventName = "Collected"

// ContractEventName returns the user-defined event name.
func (EscrowCollected) ContractEventName() string {
	return EscrowCollectedEventName
}

// UnpackCollectedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Collected(address indexed payer, uint256 indexed providerId, address indexed token, uint64 lane, uint256 cumulative, uint256 paid, uint256 collected, uint256 balance)
func (escrow *Escrow) UnpackCollectedEvent(log *types.Log) (*EscrowCollected, error) {
	event := "Collected"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != escrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(EscrowCollected)
	if len(log.Data) > 0 {
		if err := escrow.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range escrow.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// EscrowDeposited represents a Deposited event raised by the Escrow contract.
type EscrowDeposited struct {
	Payer      common.Address
	ProviderId *big.Int
	Token      common.Address
	From       common.Address
	Amount     *big.Int
	Balance    *big.Int
	Raw        *types.Log // Blockchain specific contextual infos
}

const EscrowDepositedEventName = "Deposited"

// ContractEventName returns the user-defined event name.
func (EscrowDeposited) ContractEventName() string {
	return EscrowDepositedEventName
}

// UnpackDepositedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Deposited(address indexed payer, uint256 indexed providerId, address indexed token, address from, uint256 amount, uint256 balance)
func (escrow *Escrow) UnpackDepositedEvent(log *types.Log) (*EscrowDeposited, error) {
	event := "Deposited"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != escrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(EscrowDeposited)
	if len(log.Data) > 0 {
		if err := escrow.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range escrow.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// EscrowEIP712DomainChanged represents a EIP712DomainChanged event raised by the Escrow contract.
type EscrowEIP712DomainChanged struct {
	Raw *types.Log // Blockchain specific contextual infos
}

const EscrowEIP712DomainChangedEventName = "EIP712DomainChanged"

// ContractEventName returns the user-defined event name.
func (EscrowEIP712DomainChanged) ContractEventName() string {
	return EscrowEIP712DomainChangedEventName
}

// UnpackEIP712DomainChangedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event EIP712DomainChanged()
func (escrow *Escrow) UnpackEIP712DomainChangedEvent(log *types.Log) (*EscrowEIP712DomainChanged, error) {
	event := "EIP712DomainChanged"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != escrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(EscrowEIP712DomainChanged)
	if len(log.Data) > 0 {
		if err := escrow.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range escrow.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// EscrowSignerAuthorised represents a SignerAuthorised event raised by the Escrow contract.
type EscrowSignerAuthorised struct {
	Payer  common.Address
	Signer common.Address
	Raw    *types.Log // Blockchain specific contextual infos
}

const EscrowSignerAuthorisedEventName = "SignerAuthorised"

// ContractEventName returns the user-defined event name.
func (EscrowSignerAuthorised) ContractEventName() string {
	return EscrowSignerAuthorisedEventName
}

// UnpackSignerAuthorisedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event SignerAuthorised(address indexed payer, address indexed signer)
func (escrow *Escrow) UnpackSignerAuthorisedEvent(log *types.Log) (*EscrowSignerAuthorised, error) {
	event := "SignerAuthorised"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != escrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(EscrowSignerAuthorised)
	if len(log.Data) > 0 {
		if err := escrow.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range escrow.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// EscrowSignerRevocationRequested represents a SignerRevocationRequested event raised by the Escrow contract.
type EscrowSignerRevocationRequested struct {
	Payer    common.Address
	Signer   common.Address
	RevokeAt *big.Int
	Raw      *types.Log // Blockchain specific contextual infos
}

const EscrowSignerRevocationRequestedEventName = "SignerRevocationRequested"

// ContractEventName returns the user-defined event name.
func (EscrowSignerRevocationRequested) ContractEventName() string {
	return EscrowSignerRevocationRequestedEventName
}

// UnpackSignerRevocationRequestedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event SignerRevocationRequested(address indexed payer, address indexed signer, uint256 revokeAt)
func (escrow *Escrow) UnpackSignerRevocationRequestedEvent(log *types.Log) (*EscrowSignerRevocationRequested, error) {
	event := "SignerRevocationRequested"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != escrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(EscrowSignerRevocationRequested)
	if len(log.Data) > 0 {
		if err := escrow.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range escrow.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// EscrowThawStarted represents a ThawStarted event raised by the Escrow contract.
type EscrowThawStarted struct {
	Payer      common.Address
	ProviderId *big.Int
	Token      common.Address
	Amount     *big.Int
	ThawEndsAt *big.Int
	Raw        *types.Log // Blockchain specific contextual infos
}

const EscrowThawStartedEventName = "ThawStarted"

// ContractEventName returns the user-defined event name.
func (EscrowThawStarted) ContractEventName() string {
	return EscrowThawStartedEventName
}

// UnpackThawStartedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ThawStarted(address indexed payer, uint256 indexed providerId, address indexed token, uint256 amount, uint256 thawEndsAt)
func (escrow *Escrow) UnpackThawStartedEvent(log *types.Log) (*EscrowThawStarted, error) {
	event := "ThawStarted"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != escrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(EscrowThawStarted)
	if len(log.Data) > 0 {
		if err := escrow.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range escrow.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// EscrowWithdrawn represents a Withdrawn event raised by the Escrow contract.
type EscrowWithdrawn struct {
	Payer      common.Address
	ProviderId *big.Int
	Token      common.Address
	Amount     *big.Int
	Balance    *big.Int
	Raw        *types.Log // Blockchain specific contextual infos
}

const EscrowWithdrawnEventName = "Withdrawn"

// ContractEventName returns the user-defined event name.
func (EscrowWithdrawn) ContractEventName() string {
	return EscrowWithdrawnEventName
}

// UnpackWithdrawnEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Withdrawn(address indexed payer, uint256 indexed providerId, address indexed token, uint256 amount, uint256 balance)
func (escrow *Escrow) UnpackWithdrawnEvent(log *types.Log) (*EscrowWithdrawn, error) {
	event := "Withdrawn"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != escrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(EscrowWithdrawn)
	if len(log.Data) > 0 {
		if err := escrow.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range escrow.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// UnpackError attempts to decode the provided error data using user-defined
// error definitions.
func (escrow *Escrow) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], escrow.abi.Errors["BadSignature"].ID.Bytes()[:4]) {
		return escrow.UnpackBadSignatureError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["EmptyBalance"].ID.Bytes()[:4]) {
		return escrow.UnpackEmptyBalanceError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["EmptyBatch"].ID.Bytes()[:4]) {
		return escrow.UnpackEmptyBatchError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["EthTransferFailed"].ID.Bytes()[:4]) {
		return escrow.UnpackEthTransferFailedError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["InvalidBatchEntry"].ID.Bytes()[:4]) {
		return escrow.UnpackInvalidBatchEntryError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["InvalidParam"].ID.Bytes()[:4]) {
		return escrow.UnpackInvalidParamError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["InvalidShortString"].ID.Bytes()[:4]) {
		return escrow.UnpackInvalidShortStringError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["LengthMismatch"].ID.Bytes()[:4]) {
		return escrow.UnpackLengthMismatchError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["NotOperator"].ID.Bytes()[:4]) {
		return escrow.UnpackNotOperatorError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["NothingThawing"].ID.Bytes()[:4]) {
		return escrow.UnpackNothingThawingError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["NothingToCollect"].ID.Bytes()[:4]) {
		return escrow.UnpackNothingToCollectError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["ProviderNotActive"].ID.Bytes()[:4]) {
		return escrow.UnpackProviderNotActiveError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["ReentrancyGuardReentrantCall"].ID.Bytes()[:4]) {
		return escrow.UnpackReentrancyGuardReentrantCallError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["SafeERC20FailedOperation"].ID.Bytes()[:4]) {
		return escrow.UnpackSafeERC20FailedOperationError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["SignerNotAuthorised"].ID.Bytes()[:4]) {
		return escrow.UnpackSignerNotAuthorisedError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["StringTooLong"].ID.Bytes()[:4]) {
		return escrow.UnpackStringTooLongError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["ThawExceedsBalance"].ID.Bytes()[:4]) {
		return escrow.UnpackThawExceedsBalanceError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["ThawNotEnded"].ID.Bytes()[:4]) {
		return escrow.UnpackThawNotEndedError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["TokenNotAccepted"].ID.Bytes()[:4]) {
		return escrow.UnpackTokenNotAcceptedError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["UnauthorisedSigner"].ID.Bytes()[:4]) {
		return escrow.UnpackUnauthorisedSignerError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["ValueOutOfRange"].ID.Bytes()[:4]) {
		return escrow.UnpackValueOutOfRangeError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["WrongValue"].ID.Bytes()[:4]) {
		return escrow.UnpackWrongValueError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["ZeroAddress"].ID.Bytes()[:4]) {
		return escrow.UnpackZeroAddressError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["ZeroAmount"].ID.Bytes()[:4]) {
		return escrow.UnpackZeroAmountError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// EscrowBadSignature represents a BadSignature error raised by the Escrow contract.
type EscrowBadSignature struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error BadSignature()
func EscrowBadSignatureErrorID() common.Hash {
	return common.HexToHash("0x5cd5d2335541c4f2ed05fbe44f397e8b79f8e2333157122d2dab06e378ef7685")
}

// UnpackBadSignatureError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error BadSignature()
func (escrow *Escrow) UnpackBadSignatureError(raw []byte) (*EscrowBadSignature, error) {
	out := new(EscrowBadSignature)
	if err := escrow.abi.UnpackIntoInterface(out, "BadSignature", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowEmptyBalance represents a EmptyBalance error raised by the Escrow contract.
type EscrowEmptyBalance struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error EmptyBalance()
func EscrowEmptyBalanceErrorID() common.Hash {
	return common.HexToHash("0x2313b4b6d32c11ccb14b92055161ce0c562d2da08ff1be3a0452ffd27b33f9e4")
}

// UnpackEmptyBalanceError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error EmptyBalance()
func (escrow *Escrow) UnpackEmptyBalanceError(raw []byte) (*EscrowEmptyBalance, error) {
	out := new(EscrowEmptyBalance)
	if err := escrow.abi.UnpackIntoInterface(out, "EmptyBalance", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowEmptyBatch represents a EmptyBatch error raised by the Escrow contract.
type EscrowEmptyBatch struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error EmptyBatch()
func EscrowEmptyBatchErrorID() common.Hash {
	return common.HexToHash("0xc2e5347df6cf8d1bf68f8a9651642312bd381b900d857d97cd665976180d6ae0")
}

// UnpackEmptyBatchError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error EmptyBatch()
func (escrow *Escrow) UnpackEmptyBatchError(raw []byte) (*EscrowEmptyBatch, error) {
	out := new(EscrowEmptyBatch)
	if err := escrow.abi.UnpackIntoInterface(out, "EmptyBatch", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowEthTransferFailed represents a EthTransferFailed error raised by the Escrow contract.
type EscrowEthTransferFailed struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error EthTransferFailed()
func EscrowEthTransferFailedErrorID() common.Hash {
	return common.HexToHash("0x6d963f88320eb7ba26bde12e9a148612be34ed8cfb2f4e191e88c4af7a5386fc")
}

// UnpackEthTransferFailedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error EthTransferFailed()
func (escrow *Escrow) UnpackEthTransferFailedError(raw []byte) (*EscrowEthTransferFailed, error) {
	out := new(EscrowEthTransferFailed)
	if err := escrow.abi.UnpackIntoInterface(out, "EthTransferFailed", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowInvalidBatchEntry represents a InvalidBatchEntry error raised by the Escrow contract.
type EscrowInvalidBatchEntry struct {
	Index  *big.Int
	Reason [4]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidBatchEntry(uint256 index, bytes4 reason)
func EscrowInvalidBatchEntryErrorID() common.Hash {
	return common.HexToHash("0xf42a179cae1e7488437d6eb60bf48707278e0d43be1c5b6e238b234835cde389")
}

// UnpackInvalidBatchEntryError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidBatchEntry(uint256 index, bytes4 reason)
func (escrow *Escrow) UnpackInvalidBatchEntryError(raw []byte) (*EscrowInvalidBatchEntry, error) {
	out := new(EscrowInvalidBatchEntry)
	if err := escrow.abi.UnpackIntoInterface(out, "InvalidBatchEntry", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowInvalidParam represents a InvalidParam error raised by the Escrow contract.
type EscrowInvalidParam struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidParam()
func EscrowInvalidParamErrorID() common.Hash {
	return common.HexToHash("0xd252903405a2aa3677bf7fa987b9de56ecb475fc3e62468b92d245fa18542b5e")
}

// UnpackInvalidParamError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidParam()
func (escrow *Escrow) UnpackInvalidParamError(raw []byte) (*EscrowInvalidParam, error) {
	out := new(EscrowInvalidParam)
	if err := escrow.abi.UnpackIntoInterface(out, "InvalidParam", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowInvalidShortString represents a InvalidShortString error raised by the Escrow contract.
type EscrowInvalidShortString struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidShortString()
func EscrowInvalidShortStringErrorID() common.Hash {
	return common.HexToHash("0xb3512b0c6163e5f0bafab72bb631b9d58cd7a731b082f910338aa21c83d5c274")
}

// UnpackInvalidShortStringError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidShortString()
func (escrow *Escrow) UnpackInvalidShortStringError(raw []byte) (*EscrowInvalidShortString, error) {
	out := new(EscrowInvalidShortString)
	if err := escrow.abi.UnpackIntoInterface(out, "InvalidShortString", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowLengthMismatch represents a LengthMismatch error raised by the Escrow contract.
type EscrowLengthMismatch struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error LengthMismatch()
func EscrowLengthMismatchErrorID() common.Hash {
	return common.HexToHash("0xff633a3803c58b9bc21e58efecee59f27e033cc0b1883fccb4969c76146fe60f")
}

// UnpackLengthMismatchError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error LengthMismatch()
func (escrow *Escrow) UnpackLengthMismatchError(raw []byte) (*EscrowLengthMismatch, error) {
	out := new(EscrowLengthMismatch)
	if err := escrow.abi.UnpackIntoInterface(out, "LengthMismatch", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowNotOperator represents a NotOperator error raised by the Escrow contract.
type EscrowNotOperator struct {
	Id     *big.Int
	Caller common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotOperator(uint256 id, address caller)
func EscrowNotOperatorErrorID() common.Hash {
	return common.HexToHash("0xcd6dc9bc222f2d6c7f3d6d07678b25cbe67315a0da2eb3475060097bb2d3f428")
}

// UnpackNotOperatorError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotOperator(uint256 id, address caller)
func (escrow *Escrow) UnpackNotOperatorError(raw []byte) (*EscrowNotOperator, error) {
	out := new(EscrowNotOperator)
	if err := escrow.abi.UnpackIntoInterface(out, "NotOperator", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowNothingThawing represents a NothingThawing error raised by the Escrow contract.
type EscrowNothingThawing struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NothingThawing()
func EscrowNothingThawingErrorID() common.Hash {
	return common.HexToHash("0xaa038c7cbd1dfafad3a1829c1f9ca98bec2a0f805cbea3ef4a92a094c5d71de6")
}

// UnpackNothingThawingError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NothingThawing()
func (escrow *Escrow) UnpackNothingThawingError(raw []byte) (*EscrowNothingThawing, error) {
	out := new(EscrowNothingThawing)
	if err := escrow.abi.UnpackIntoInterface(out, "NothingThawing", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowNothingToCollect represents a NothingToCollect error raised by the Escrow contract.
type EscrowNothingToCollect struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NothingToCollect()
func EscrowNothingToCollectErrorID() common.Hash {
	return common.HexToHash("0x7b2c2feff2da1aeb7690a0c70beceb7ffc6cce3734d3f5b1f282b23bd12dd5f3")
}

// UnpackNothingToCollectError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NothingToCollect()
func (escrow *Escrow) UnpackNothingToCollectError(raw []byte) (*EscrowNothingToCollect, error) {
	out := new(EscrowNothingToCollect)
	if err := escrow.abi.UnpackIntoInterface(out, "NothingToCollect", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowProviderNotActive represents a ProviderNotActive error raised by the Escrow contract.
type EscrowProviderNotActive struct {
	Id *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ProviderNotActive(uint256 id)
func EscrowProviderNotActiveErrorID() common.Hash {
	return common.HexToHash("0xbee4b1ceca30ce2763d700c0033fdcce562621bbe3cd2d888e66a7f9eaa9def3")
}

// UnpackProviderNotActiveError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ProviderNotActive(uint256 id)
func (escrow *Escrow) UnpackProviderNotActiveError(raw []byte) (*EscrowProviderNotActive, error) {
	out := new(EscrowProviderNotActive)
	if err := escrow.abi.UnpackIntoInterface(out, "ProviderNotActive", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowReentrancyGuardReentrantCall represents a ReentrancyGuardReentrantCall error raised by the Escrow contract.
type EscrowReentrancyGuardReentrantCall struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ReentrancyGuardReentrantCall()
func EscrowReentrancyGuardReentrantCallErrorID() common.Hash {
	return common.HexToHash("0x3ee5aeb571de7fc460830b4d0017439a1ca56fb0bc39062227ade4fe4a24c1ca")
}

// UnpackReentrancyGuardReentrantCallError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ReentrancyGuardReentrantCall()
func (escrow *Escrow) UnpackReentrancyGuardReentrantCallError(raw []byte) (*EscrowReentrancyGuardReentrantCall, error) {
	out := new(EscrowReentrancyGuardReentrantCall)
	if err := escrow.abi.UnpackIntoInterface(out, "ReentrancyGuardReentrantCall", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowSafeERC20FailedOperation represents a SafeERC20FailedOperation error raised by the Escrow contract.
type EscrowSafeERC20FailedOperation struct {
	Token common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error SafeERC20FailedOperation(address token)
func EscrowSafeERC20FailedOperationErrorID() common.Hash {
	return common.HexToHash("0x5274afe73c98b4749fc91ffae6b7b574e7842cb2144a159e9377a5f20b32edf9")
}

// UnpackSafeERC20FailedOperationError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error SafeERC20FailedOperation(address token)
func (escrow *Escrow) UnpackSafeERC20FailedOperationError(raw []byte) (*EscrowSafeERC20FailedOperation, error) {
	out := new(EscrowSafeERC20FailedOperation)
	if err := escrow.abi.UnpackIntoInterface(out, "SafeERC20FailedOperation", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowSignerNotAuthorised represents a SignerNotAuthorised error raised by the Escrow contract.
type EscrowSignerNotAuthorised struct {
	Signer common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error SignerNotAuthorised(address signer)
func EscrowSignerNotAuthorisedErrorID() common.Hash {
	return common.HexToHash("0xec459bc05285e5b716796daffa940a2f1e2daf552dcda6cc9bc70577f533fce3")
}

// UnpackSignerNotAuthorisedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error SignerNotAuthorised(address signer)
func (escrow *Escrow) UnpackSignerNotAuthorisedError(raw []byte) (*EscrowSignerNotAuthorised, error) {
	out := new(EscrowSignerNotAuthorised)
	if err := escrow.abi.UnpackIntoInterface(out, "SignerNotAuthorised", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowStringTooLong represents a StringTooLong error raised by the Escrow contract.
type EscrowStringTooLong struct {
	Str string
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error StringTooLong(string str)
func EscrowStringTooLongErrorID() common.Hash {
	return common.HexToHash("0x305a27a93f8e33b7392df0a0f91d6fc63847395853c45991eec52dbf24d72381")
}

// UnpackStringTooLongError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error StringTooLong(string str)
func (escrow *Escrow) UnpackStringTooLongError(raw []byte) (*EscrowStringTooLong, error) {
	out := new(EscrowStringTooLong)
	if err := escrow.abi.UnpackIntoInterface(out, "StringTooLong", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowThawExceedsBalance represents a ThawExceedsBalance error raised by the Escrow contract.
type EscrowThawExceedsBalance struct {
	Amount  *big.Int
	Balance *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ThawExceedsBalance(uint256 amount, uint256 balance)
func EscrowThawExceedsBalanceErrorID() common.Hash {
	return common.HexToHash("0xdda6793dc68f837754f903e6d044152a1bfa104438ff39cf6aadad3076c5b7b7")
}

// UnpackThawExceedsBalanceError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ThawExceedsBalance(uint256 amount, uint256 balance)
func (escrow *Escrow) UnpackThawExceedsBalanceError(raw []byte) (*EscrowThawExceedsBalance, error) {
	out := new(EscrowThawExceedsBalance)
	if err := escrow.abi.UnpackIntoInterface(out, "ThawExceedsBalance", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowThawNotEnded represents a ThawNotEnded error raised by the Escrow contract.
type EscrowThawNotEnded struct {
	ThawEndsAt *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ThawNotEnded(uint256 thawEndsAt)
func EscrowThawNotEndedErrorID() common.Hash {
	return common.HexToHash("0xff9dd9d6a40be31a507c67c78671bcb55e84b198d33ab63b5e0efcee9caa8520")
}

// UnpackThawNotEndedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ThawNotEnded(uint256 thawEndsAt)
func (escrow *Escrow) UnpackThawNotEndedError(raw []byte) (*EscrowThawNotEnded, error) {
	out := new(EscrowThawNotEnded)
	if err := escrow.abi.UnpackIntoInterface(out, "ThawNotEnded", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowTokenNotAccepted represents a TokenNotAccepted error raised by the Escrow contract.
type EscrowTokenNotAccepted struct {
	Token    common.Address
	Accepted common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error TokenNotAccepted(address token, address accepted)
func EscrowTokenNotAcceptedErrorID() common.Hash {
	return common.HexToHash("0x876bda5558dbfa5e76dc2625d4f381ec3d04ff932b95629a2c2048ab3b4d16df")
}

// UnpackTokenNotAcceptedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error TokenNotAccepted(address token, address accepted)
func (escrow *Escrow) UnpackTokenNotAcceptedError(raw []byte) (*EscrowTokenNotAccepted, error) {
	out := new(EscrowTokenNotAccepted)
	if err := escrow.abi.UnpackIntoInterface(out, "TokenNotAccepted", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowUnauthorisedSigner represents a UnauthorisedSigner error raised by the Escrow contract.
type EscrowUnauthorisedSigner struct {
	Signer common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error UnauthorisedSigner(address signer)
func EscrowUnauthorisedSignerErrorID() common.Hash {
	return common.HexToHash("0xcbcdfe3cb754a349159611e54c78c902e3e2aa1587c5c2c809612bbca776abf3")
}

// UnpackUnauthorisedSignerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error UnauthorisedSigner(address signer)
func (escrow *Escrow) UnpackUnauthorisedSignerError(raw []byte) (*EscrowUnauthorisedSigner, error) {
	out := new(EscrowUnauthorisedSigner)
	if err := escrow.abi.UnpackIntoInterface(out, "UnauthorisedSigner", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowValueOutOfRange represents a ValueOutOfRange error raised by the Escrow contract.
type EscrowValueOutOfRange struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ValueOutOfRange()
func EscrowValueOutOfRangeErrorID() common.Hash {
	return common.HexToHash("0x4eb4f9fbeca8785769bbc559f5702ef6b47be0b596d68b870f0f08e1e4f3d29c")
}

// UnpackValueOutOfRangeError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ValueOutOfRange()
func (escrow *Escrow) UnpackValueOutOfRangeError(raw []byte) (*EscrowValueOutOfRange, error) {
	out := new(EscrowValueOutOfRange)
	if err := escrow.abi.UnpackIntoInterface(out, "ValueOutOfRange", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowWrongValue represents a WrongValue error raised by the Escrow contract.
type EscrowWrongValue struct {
	Expected *big.Int
	Sent     *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error WrongValue(uint256 expected, uint256 sent)
func EscrowWrongValueErrorID() common.Hash {
	return common.HexToHash("0x195a3ca12ac3744ef64727effb118b3b203c382e49c7a7d24d450eae5e3b889a")
}

// UnpackWrongValueError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error WrongValue(uint256 expected, uint256 sent)
func (escrow *Escrow) UnpackWrongValueError(raw []byte) (*EscrowWrongValue, error) {
	out := new(EscrowWrongValue)
	if err := escrow.abi.UnpackIntoInterface(out, "WrongValue", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowZeroAddress represents a ZeroAddress error raised by the Escrow contract.
type EscrowZeroAddress struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroAddress()
func EscrowZeroAddressErrorID() common.Hash {
	return common.HexToHash("0xd92e233df2717d4a40030e20904abd27b68fcbeede117eaaccbbdac9618c8c73")
}

// UnpackZeroAddressError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroAddress()
func (escrow *Escrow) UnpackZeroAddressError(raw []byte) (*EscrowZeroAddress, error) {
	out := new(EscrowZeroAddress)
	if err := escrow.abi.UnpackIntoInterface(out, "ZeroAddress", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowZeroAmount represents a ZeroAmount error raised by the Escrow contract.
type EscrowZeroAmount struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroAmount()
func EscrowZeroAmountErrorID() common.Hash {
	return common.HexToHash("0x1f2a2005cb66a8e145327e8814e243a0996aec9bfe1e15a495778b1236dbd485")
}

// UnpackZeroAmountError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroAmount()
func (escrow *Escrow) UnpackZeroAmountError(raw []byte) (*EscrowZeroAmount, error) {
	out := new(EscrowZeroAmount)
	if err := escrow.abi.UnpackIntoInterface(out, "ZeroAmount", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RegistryMetaData contains all meta data concerning the Registry contract.
var RegistryMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"contractIERC20\",\"name\":\"stakeToken_\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"minStake_\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"priceDelay_\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"unbonding_\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"InvalidEndpoint\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidNodeKey\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidParam\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint8\",\"name\":\"services\",\"type\":\"uint8\"},{\"internalType\":\"uint8\",\"name\":\"gateways\",\"type\":\"uint8\"}],\"name\":\"InvalidServices\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"name\":\"NotExiting\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"}],\"name\":\"NotOperator\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"name\":\"NothingToWithdraw\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"name\":\"ProviderNotActive\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ReentrancyGuardReentrantCall\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"SafeERC20FailedOperation\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"stake\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"minStake\",\"type\":\"uint256\"}],\"name\":\"StakeTooLow\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"unlockAt\",\"type\":\"uint256\"}],\"name\":\"Unbonding\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"name\":\"UnknownProvider\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ValueOutOfRange\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAddress\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAmount\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"stake\",\"type\":\"uint256\"},{\"internalType\":\"uint8\",\"name\":\"services\",\"type\":\"uint8\"},{\"internalType\":\"uint8\",\"name\":\"gateways\",\"type\":\"uint8\"},{\"internalType\":\"uint64\",\"name\":\"capacityWakeupsPerDay\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"capacityGB\",\"type\":\"uint64\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"perKWakeups\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perKHistory\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perGBMonth\",\"type\":\"uint256\"}],\"internalType\":\"structRegistry.Price\",\"name\":\"price\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"perKWakeups\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perKHistory\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perGBMonth\",\"type\":\"uint256\"}],\"internalType\":\"structRegistry.Price\",\"name\":\"pendingPrice\",\"type\":\"tuple\"},{\"internalType\":\"uint64\",\"name\":\"pendingAt\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"exitAt\",\"type\":\"uint64\"},{\"internalType\":\"bytes\",\"name\":\"nodeKey\",\"type\":\"bytes\"},{\"internalType\":\"string\",\"name\":\"endpoint\",\"type\":\"string\"}],\"indexed\":false,\"internalType\":\"structRegistry.ProviderInfo\",\"name\":\"provider\",\"type\":\"tuple\"}],\"name\":\"ExitRequested\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"stake\",\"type\":\"uint256\"},{\"internalType\":\"uint8\",\"name\":\"services\",\"type\":\"uint8\"},{\"internalType\":\"uint8\",\"name\":\"gateways\",\"type\":\"uint8\"},{\"internalType\":\"uint64\",\"name\":\"capacityWakeupsPerDay\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"capacityGB\",\"type\":\"uint64\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"perKWakeups\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perKHistory\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perGBMonth\",\"type\":\"uint256\"}],\"internalType\":\"structRegistry.Price\",\"name\":\"price\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"perKWakeups\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perKHistory\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perGBMonth\",\"type\":\"uint256\"}],\"internalType\":\"structRegistry.Price\",\"name\":\"pendingPrice\",\"type\":\"tuple\"},{\"internalType\":\"uint64\",\"name\":\"pendingAt\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"exitAt\",\"type\":\"uint64\"},{\"internalType\":\"bytes\",\"name\":\"nodeKey\",\"type\":\"bytes\"},{\"internalType\":\"string\",\"name\":\"endpoint\",\"type\":\"string\"}],\"indexed\":false,\"internalType\":\"structRegistry.ProviderInfo\",\"name\":\"provider\",\"type\":\"tuple\"}],\"name\":\"PriceAnnounced\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"stake\",\"type\":\"uint256\"},{\"internalType\":\"uint8\",\"name\":\"services\",\"type\":\"uint8\"},{\"internalType\":\"uint8\",\"name\":\"gateways\",\"type\":\"uint8\"},{\"internalType\":\"uint64\",\"name\":\"capacityWakeupsPerDay\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"capacityGB\",\"type\":\"uint64\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"perKWakeups\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perKHistory\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perGBMonth\",\"type\":\"uint256\"}],\"internalType\":\"structRegistry.Price\",\"name\":\"price\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"perKWakeups\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perKHistory\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perGBMonth\",\"type\":\"uint256\"}],\"internalType\":\"structRegistry.Price\",\"name\":\"pendingPrice\",\"type\":\"tuple\"},{\"internalType\":\"uint64\",\"name\":\"pendingAt\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"exitAt\",\"type\":\"uint64\"},{\"internalType\":\"bytes\",\"name\":\"nodeKey\",\"type\":\"bytes\"},{\"internalType\":\"string\",\"name\":\"endpoint\",\"type\":\"string\"}],\"indexed\":false,\"internalType\":\"structRegistry.ProviderInfo\",\"name\":\"provider\",\"type\":\"tuple\"}],\"name\":\"ProviderRegistered\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"stake\",\"type\":\"uint256\"},{\"internalType\":\"uint8\",\"name\":\"services\",\"type\":\"uint8\"},{\"internalType\":\"uint8\",\"name\":\"gateways\",\"type\":\"uint8\"},{\"internalType\":\"uint64\",\"name\":\"capacityWakeupsPerDay\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"capacityGB\",\"type\":\"uint64\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"perKWakeups\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perKHistory\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perGBMonth\",\"type\":\"uint256\"}],\"internalType\":\"structRegistry.Price\",\"name\":\"price\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"perKWakeups\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perKHistory\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perGBMonth\",\"type\":\"uint256\"}],\"internalType\":\"structRegistry.Price\",\"name\":\"pendingPrice\",\"type\":\"tuple\"},{\"internalType\":\"uint64\",\"name\":\"pendingAt\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"exitAt\",\"type\":\"uint64\"},{\"internalType\":\"bytes\",\"name\":\"nodeKey\",\"type\":\"bytes\"},{\"internalType\":\"string\",\"name\":\"endpoint\",\"type\":\"string\"}],\"indexed\":false,\"internalType\":\"structRegistry.ProviderInfo\",\"name\":\"provider\",\"type\":\"tuple\"}],\"name\":\"ProviderUpdated\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"stake\",\"type\":\"uint256\"},{\"internalType\":\"uint8\",\"name\":\"services\",\"type\":\"uint8\"},{\"internalType\":\"uint8\",\"name\":\"gateways\",\"type\":\"uint8\"},{\"internalType\":\"uint64\",\"name\":\"capacityWakeupsPerDay\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"capacityGB\",\"type\":\"uint64\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"perKWakeups\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perKHistory\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perGBMonth\",\"type\":\"uint256\"}],\"internalType\":\"structRegistry.Price\",\"name\":\"price\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"perKWakeups\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perKHistory\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perGBMonth\",\"type\":\"uint256\"}],\"internalType\":\"structRegistry.Price\",\"name\":\"pendingPrice\",\"type\":\"tuple\"},{\"internalType\":\"uint64\",\"name\":\"pendingAt\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"exitAt\",\"type\":\"uint64\"},{\"internalType\":\"bytes\",\"name\":\"nodeKey\",\"type\":\"bytes\"},{\"internalType\":\"string\",\"name\":\"endpoint\",\"type\":\"string\"}],\"indexed\":false,\"internalType\":\"structRegistry.ProviderInfo\",\"name\":\"provider\",\"type\":\"tuple\"}],\"name\":\"StakeAdded\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"stake\",\"type\":\"uint256\"},{\"internalType\":\"uint8\",\"name\":\"services\",\"type\":\"uint8\"},{\"internalType\":\"uint8\",\"name\":\"gateways\",\"type\":\"uint8\"},{\"internalType\":\"uint64\",\"name\":\"capacityWakeupsPerDay\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"capacityGB\",\"type\":\"uint64\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"perKWakeups\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perKHistory\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perGBMonth\",\"type\":\"uint256\"}],\"internalType\":\"structRegistry.Price\",\"name\":\"price\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"perKWakeups\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perKHistory\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perGBMonth\",\"type\":\"uint256\"}],\"internalType\":\"structRegistry.Price\",\"name\":\"pendingPrice\",\"type\":\"tuple\"},{\"internalType\":\"uint64\",\"name\":\"pendingAt\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"exitAt\",\"type\":\"uint64\"},{\"internalType\":\"bytes\",\"name\":\"nodeKey\",\"type\":\"bytes\"},{\"internalType\":\"string\",\"name\":\"endpoint\",\"type\":\"string\"}],\"indexed\":false,\"internalType\":\"structRegistry.ProviderInfo\",\"name\":\"provider\",\"type\":\"tuple\"}],\"name\":\"StakeWithdrawn\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"GATEWAY_APNS\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"GATEWAY_FCM\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"GATEWAY_WEBPUSH\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MAX_DELAY\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MAX_ENDPOINT_LENGTH\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MAX_PAGE\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MAX_SCAN\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"SERVICE_PUSH\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"SERVICE_STORE\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"addStake\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"perKWakeups\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perKHistory\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perGBMonth\",\"type\":\"uint256\"}],\"internalType\":\"structRegistry.Price\",\"name\":\"price\",\"type\":\"tuple\"}],\"name\":\"announcePrice\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"name\":\"currentPrice\",\"outputs\":[{\"components\":[{\"internalType\":\"uint256\",\"name\":\"perKWakeups\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perKHistory\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perGBMonth\",\"type\":\"uint256\"}],\"internalType\":\"structRegistry.Price\",\"name\":\"\",\"type\":\"tuple\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"name\":\"depositTerms\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"bool\",\"name\":\"active\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"name\":\"getProvider\",\"outputs\":[{\"components\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"stake\",\"type\":\"uint256\"},{\"internalType\":\"uint8\",\"name\":\"services\",\"type\":\"uint8\"},{\"internalType\":\"uint8\",\"name\":\"gateways\",\"type\":\"uint8\"},{\"internalType\":\"uint64\",\"name\":\"capacityWakeupsPerDay\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"capacityGB\",\"type\":\"uint64\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"perKWakeups\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perKHistory\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perGBMonth\",\"type\":\"uint256\"}],\"internalType\":\"structRegistry.Price\",\"name\":\"price\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"perKWakeups\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perKHistory\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perGBMonth\",\"type\":\"uint256\"}],\"internalType\":\"structRegistry.Price\",\"name\":\"pendingPrice\",\"type\":\"tuple\"},{\"internalType\":\"uint64\",\"name\":\"pendingAt\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"exitAt\",\"type\":\"uint64\"},{\"internalType\":\"bytes\",\"name\":\"nodeKey\",\"type\":\"bytes\"},{\"internalType\":\"string\",\"name\":\"endpoint\",\"type\":\"string\"}],\"internalType\":\"structRegistry.ProviderInfo\",\"name\":\"\",\"type\":\"tuple\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"minStake\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"name\":\"operatorOf\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"name\":\"pendingPrice\",\"outputs\":[{\"components\":[{\"internalType\":\"uint256\",\"name\":\"perKWakeups\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perKHistory\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perGBMonth\",\"type\":\"uint256\"}],\"internalType\":\"structRegistry.Price\",\"name\":\"price\",\"type\":\"tuple\"},{\"internalType\":\"uint64\",\"name\":\"effectiveAt\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"priceDelay\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"providerCount\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"offset\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"limit\",\"type\":\"uint256\"}],\"name\":\"providers\",\"outputs\":[{\"components\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"stake\",\"type\":\"uint256\"},{\"internalType\":\"uint8\",\"name\":\"services\",\"type\":\"uint8\"},{\"internalType\":\"uint8\",\"name\":\"gateways\",\"type\":\"uint8\"},{\"internalType\":\"uint64\",\"name\":\"capacityWakeupsPerDay\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"capacityGB\",\"type\":\"uint64\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"perKWakeups\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perKHistory\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perGBMonth\",\"type\":\"uint256\"}],\"internalType\":\"structRegistry.Price\",\"name\":\"price\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"perKWakeups\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perKHistory\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perGBMonth\",\"type\":\"uint256\"}],\"internalType\":\"structRegistry.Price\",\"name\":\"pendingPrice\",\"type\":\"tuple\"},{\"internalType\":\"uint64\",\"name\":\"pendingAt\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"exitAt\",\"type\":\"uint64\"},{\"internalType\":\"bytes\",\"name\":\"nodeKey\",\"type\":\"bytes\"},{\"internalType\":\"string\",\"name\":\"endpoint\",\"type\":\"string\"}],\"internalType\":\"structRegistry.ProviderInfo[]\",\"name\":\"page\",\"type\":\"tuple[]\"},{\"internalType\":\"uint256\",\"name\":\"next\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"string\",\"name\":\"endpoint\",\"type\":\"string\"},{\"internalType\":\"bytes\",\"name\":\"nodeKey\",\"type\":\"bytes\"},{\"internalType\":\"uint8\",\"name\":\"services\",\"type\":\"uint8\"},{\"internalType\":\"uint8\",\"name\":\"gateways\",\"type\":\"uint8\"},{\"internalType\":\"uint64\",\"name\":\"capacityWakeupsPerDay\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"capacityGB\",\"type\":\"uint64\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"perKWakeups\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perKHistory\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"perGBMonth\",\"type\":\"uint256\"}],\"internalType\":\"structRegistry.Price\",\"name\":\"price\",\"type\":\"tuple\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"stake\",\"type\":\"uint256\"}],\"internalType\":\"structRegistry.RegisterArgs\",\"name\":\"args\",\"type\":\"tuple\"}],\"name\":\"register\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"name\":\"requestExit\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"}],\"name\":\"setOperator\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"stakeToken\",\"outputs\":[{\"internalType\":\"contractIERC20\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"unbonding\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"string\",\"name\":\"endpoint\",\"type\":\"string\"},{\"internalType\":\"bytes\",\"name\":\"nodeKey\",\"type\":\"bytes\"},{\"internalType\":\"uint8\",\"name\":\"services\",\"type\":\"uint8\"},{\"internalType\":\"uint8\",\"name\":\"gateways\",\"type\":\"uint8\"},{\"internalType\":\"uint64\",\"name\":\"capacityWakeupsPerDay\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"capacityGB\",\"type\":\"uint64\"}],\"name\":\"update\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"name\":\"withdrawStake\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "4c347eb73970d7ec769543769c0bfc3a9f",
	Bin: "0x6101003461012d57601f61232d38819003918201601f19168301916001600160401b038311848410176101315780849260809460405283398101031261012d5780516001600160a01b038116919082810361012d5760208201519060606040840151930151931561011e578115801561010e575b6100f2576301e1338083118015610101575b6100f25760805260a05260c05260e0526040516121e790816101468239608051818181610234015281816107e9015281816110f90152611296015260a0518181816105b4015261116e015260c051818181610e8a01526110aa015260e051818181610caf01526111a80152f35b633494a40d60e21b5f5260045ffd5b506301e133808411610085565b506001600160601b038211610073565b63d92e233d60e01b5f5260045ffd5b5f80fd5b634e487b7160e01b5f52604160045260245ffdfe60806040526004361015610011575f80fd5b5f3560e01c806325d5971f1461122c5780632fa6260c146111cb578063331fc44a1461119157806335a75f19146108bd578063375b3c0a146111575780633991327e1461108e5780634125ff9014611139578063497d2ccf1461111d57806351ed6a30146110cd5780635438ab351461109357806359d486bd1461108e5780635c42d0791461101857806369fc09b914610ffd5780636bb74d9214610d0f578063721c651314610c1357806374c8326814610bf75780637a3c4c1714610b8f5780637d403e5214610aac578063969915ce146108dd578063a7a171f8146108c2578063aae2230b146108bd578063bd6072da1461056c578063c1bbed3d14610477578063c85d3eb01461045b578063e7a1c1c014610380578063f41875e1146103405763fd2b520214610142575f80fd5b3461033c5761015036611635565b906101596118c4565b805f52600160205260405f20600181015460ff8160e81c16156103105760a01c64ffffffffff166102e45782156102bc5761019883825460a01c611790565b906bffffffffffffffffffffffff82116102945761025e61026c9161022c6bffffffffffffffffffffffff7fe5882008a2f5784b6f2f7d82d082e14706fa02994e80334bf762253b2dbaee7d9516829073ffffffffffffffffffffffffffffffffffffffff7fffffffffffffffffffffffff000000000000000000000000000000000000000083549260a01b169116179055565b6102588630337f000000000000000000000000000000000000000000000000000000000000000061214f565b846119f7565b60405191829133968361164b565b0390a35f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d005b7f4eb4f9fb000000000000000000000000000000000000000000000000000000005f5260045ffd5b7f1f2a2005000000000000000000000000000000000000000000000000000000005f5260045ffd5b507fbee4b1ce000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b827ffece9bb9000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b5f80fd5b3461033c57602060031936011261033c576004355f526001602052602073ffffffffffffffffffffffffffffffffffffffff60405f205416604051908152f35b3461033c57604060031936011261033c5760043560243573ffffffffffffffffffffffffffffffffffffffff811680910361033c576103be82611938565b81156104335761041a817f45eb48a359fe5eaed50f7ab98bff8305ad8fdc2aa9ed4b765199de739cbf9318937fffffffffffffffffffffffff000000000000000000000000000000000000000061042e945416178155846119f7565b6040519182916020835260208301906114c7565b0390a2005b7fd92e233d000000000000000000000000000000000000000000000000000000005f5260045ffd5b3461033c575f60031936011261033c5760206040516101008152f35b3461033c57602060031936011261033c576004356104936116ec565b5f825f52600160205260405f209260ff600185015460e81c16156105415750600360809301548060d81c904282116104fb575b505067ffffffffffffffff906104f360405180946040809180518452602081015160208501520151910152565b166060820152f35b90925067ffffffffffffffff915068ffffffffffffffffff6040519161052083611662565b8181168352818160481c16602084015260901c1660408201529190846104c6565b7ffece9bb9000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b3461033c57602060031936011261033c5760043567ffffffffffffffff811161033c578060040190610160600319823603011261033c576105ab6118c4565b610144810135907f000000000000000000000000000000000000000000000000000000000000000080831061088e57506bffffffffffffffffffffffff8211610294576105f85f546117e2565b5f81815581815260016020526040902060a084901b7fffffffffffffffffffffffff00000000000000000000000000000000000000001633178155909261012483013573ffffffffffffffffffffffffffffffffffffffff8116810361033c5773ffffffffffffffffffffffffffffffffffffffff6001840191167fffffffffffffffffffffffff000000000000000000000000000000000000000082541617905560c48301359068ffffffffffffffffff82118015610878575b610294576101048401359568ffffffffffffffffff8711610294576002840180547fffffffffffffffffffffffffffff0000000000000000000000000000000000001668ffffffffffffffffff9485161760e487013560481b71ffffffffffffffffff000000000000000000161781556020976108139661080d956107e59460249492936107dc93919261078d929182547fffffffffff000000000000000000ffffffffffffffffffffffffffffffffffff16911660901b7affffffffffffffffff00000000000000000000000000000000000016179055565b6107c861079c60448501611850565b6107a860648601611850565b6107b46084870161185e565b906107c160a4880161185e565b928c611c86565b6107d28180611873565b9490930190611873565b92909187611e80565b30337f000000000000000000000000000000000000000000000000000000000000000061214f565b826119f7565b817f9eceea3552f80d3c5d8a34eae2fc8cb945bb1ae4b67c20250eb2603fffc7140a6040518581528061084a3395888301906114c7565b0390a35f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d604051908152f35b5068ffffffffffffffffff60e4850135116106b3565b827f829f1163000000000000000000000000000000000000000000000000000000005f5260045260245260445ffd5b61144e565b3461033c575f60031936011261033c57602060405160048152f35b3461033c576108eb36611635565b60648111610aa4575b5f549180610a9f575060015b610909826117ca565b9261091760405194856116ab565b8284527fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0610944846117ca565b015f5b818110610a825750505f905f925b8181111580610a79575b80610a6e575b156109d4578061099f915f52600160205261098360405f20956117e2565b9464ffffffffff600182015460a01c16156109a4575b506117e2565b610955565b6109b16109cd91836119f7565b946109bb816117e2565b956109c6828b61180f565b528861180f565b5087610999565b9185528491908111610a6657905b60405190604082016040835281518091526060830190602060608260051b8601019301915f905b828210610a1d578580868960208301520390f35b90919293602080610a58837fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa08a6001960301865288516114c7565b960192019201909291610a09565b505f906109e2565b506103e88410610965565b5084831061095f565b602090610a9095949561170a565b82828901015201939293610947565b610900565b5060646108f4565b3461033c5760e060031936011261033c5760043560243567ffffffffffffffff811161033c57610ae0903690600401611607565b60443567ffffffffffffffff811161033c57610b00903690600401611607565b91906064359060ff8216820361033c576084359360ff8516850361033c5760a4359167ffffffffffffffff8316830361033c5760c4359467ffffffffffffffff8616860361033c577f45eb48a359fe5eaed50f7ab98bff8305ad8fdc2aa9ed4b765199de739cbf931897610b8961041a976102589661042e9a610b828e611938565b998a611c86565b85611e80565b3461033c57602060031936011261033c57600435610bab6116ec565b50805f52600160205260405f209060ff600183015460e81c1615610541576060610bd483611c08565b610bf560405180926040809180518452602081015160208501520151910152565bf35b3461033c575f60031936011261033c5760205f54604051908152f35b3461033c57602060031936011261033c57600435610c3081611938565b60018101805464ffffffffff8160a01c16610ce3577fd61f8debeb1fbf6e789839eff4b4ea4f228fd9479ff46a87b1743ba7b1d4dd5a9261042e9261041a927fffffffffffffff0000000000ffffffffffffffffffffffffffffffffffffffff78ffffffffff0000000000000000000000000000000000000000610cd47f000000000000000000000000000000000000000000000000000000000000000042611790565b60a01b169116179055846119f7565b837fbee4b1ce000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b3461033c57608060031936011261033c5760043560607fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffdc36011261033c57610d5681611938565b64ffffffffff600182015460a01c166102e4576003810180548060d81c8015159081610ff2575b50610f0e575b506024359168ffffffffffffffffff83118015610efa575b610294576064359068ffffffffffffffffff82116102945782547fffffffffffffffffffffffffffff0000000000000000000000000000000000001668ffffffffffffffffff9485161760443560481b71ffffffffffffffffff000000000000000000161783557f5dd5603424dbb0b08479b87a3fdcca2fddd73d763e362956048f0a77b6d114c49361042e9361041a9361025892610e7f9183547fffffffffff000000000000000000ffffffffffffffffffffffffffffffffffff16911660901b7affffffffffffffffff00000000000000000000000000000000000016178255565b64ffffffffff610eaf7f000000000000000000000000000000000000000000000000000000000000000042611790565b82547affffffffffffffffffffffffffffffffffffffffffffffffffffff16911660d81b7fffffffffff00000000000000000000000000000000000000000000000000000016179055565b5068ffffffffffffffffff60443511610d9b565b610fec9068ffffffffffffffffff80600286019216167fffffffffffffffffffffffffffffffffffffffffffffff000000000000000000825416178155610fa268ffffffffffffffffff845460481c1682907fffffffffffffffffffffffffffff000000000000000000ffffffffffffffffff71ffffffffffffffffff00000000000000000083549260481b169116179055565b825481547fffffffffff000000000000000000ffffffffffffffffffffffffffffffffffff167affffffffffffffffff000000000000000000000000000000000000909116179055565b83610d83565b905042101585610d7d565b3461033c575f60031936011261033c57602060405160648152f35b3461033c57602060031936011261033c5760043561103461170a565b50805f52600160205260405f2060ff600182015460e81c16156110625761041a9061105e926119f7565b0390f35b507ffece9bb9000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b611469565b3461033c575f60031936011261033c5760206040517f00000000000000000000000000000000000000000000000000000000000000008152f35b3461033c575f60031936011261033c57602060405173ffffffffffffffffffffffffffffffffffffffff7f0000000000000000000000000000000000000000000000000000000000000000168152f35b3461033c575f60031936011261033c5760206040516103e88152f35b3461033c575f60031936011261033c5760206040516301e133808152f35b3461033c575f60031936011261033c5760206040517f00000000000000000000000000000000000000000000000000000000000000008152f35b3461033c575f60031936011261033c5760206040517f00000000000000000000000000000000000000000000000000000000000000008152f35b3461033c57602060031936011261033c57600435805f526001602052600160405f20015460ff8160e81c16156110625760409064ffffffffff82519173ffffffffffffffffffffffffffffffffffffffff8116835260a01c16156020820152f35b3461033c57602060031936011261033c576004356112486118c4565b61125181611938565b64ffffffffff600182015460a01c168015611422578042106113f75750805460a01c9081156113cb5773ffffffffffffffffffffffffffffffffffffffff81541681557f00000000000000000000000000000000000000000000000000000000000000006040517fa9059cbb000000000000000000000000000000000000000000000000000000005f52336004528360245260205f60448180865af19060015f51148216156113aa575b604052156113685750906113307fa225f378c9a2c5df67377bb898916a5811565a6274ba9bc229e2aa862b17150792846119f7565b906113406040519283928361164b565b0390a25f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d005b73ffffffffffffffffffffffffffffffffffffffff907f5274afe7000000000000000000000000000000000000000000000000000000005f521660045260245ffd5b9060018115166113c257823b15153d151616906112fb565b503d5f823e3d90fd5b827f155eed36000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b7f045fd241000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b827f3d636205000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b3461033c575f60031936011261033c57602060405160018152f35b3461033c575f60031936011261033c57602060405160028152f35b907fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0601f602080948051918291828752018686015e5f8582860101520116010190565b611604918151815273ffffffffffffffffffffffffffffffffffffffff602083015116602082015273ffffffffffffffffffffffffffffffffffffffff60408301511660408201526060820151606082015260ff608083015116608082015260ff60a08301511660a082015267ffffffffffffffff60c08301511660c082015267ffffffffffffffff60e08301511660e08201526115836101008301516101008301906040809180518452602081015160208501520151910152565b61012082015180516101608301526020810151610180830152604001516101a082015267ffffffffffffffff610140830151166101c082015267ffffffffffffffff610160830151166101e08201526101a06115f2610180840151610240610200850152610240840190611484565b92015190610220818403910152611484565b90565b9181601f8401121561033c5782359167ffffffffffffffff831161033c576020838186019501011161033c57565b600319604091011261033c576004359060243590565b6040906116049392815281602082015201906114c7565b6060810190811067ffffffffffffffff82111761167e57604052565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52604160045260245ffd5b90601f7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0910116810190811067ffffffffffffffff82111761167e57604052565b604051906116f982611662565b5f6040838281528260208201520152565b604051906101c0820182811067ffffffffffffffff82111761167e5760405260606101a0835f81525f60208201525f60408201525f838201525f60808201525f60a08201525f60c08201525f60e08201526117636116ec565b6101008201526117716116ec565b6101208201525f6101408201525f610160820152826101808201520152565b9190820180921161179d57565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52601160045260245ffd5b67ffffffffffffffff811161167e5760051b60200190565b7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff811461179d5760010190565b80518210156118235760209160051b010190565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52603260045260245ffd5b3560ff8116810361033c5790565b3567ffffffffffffffff8116810361033c5790565b9035907fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe18136030182121561033c570180359067ffffffffffffffff821161033c5760200191813603831361033c57565b7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005c6119105760017f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d565b7f3ee5aeb5000000000000000000000000000000000000000000000000000000005f5260045ffd5b90815f52600160205260405f209160ff600184015460e81c16156105415773ffffffffffffffffffffffffffffffffffffffff83541633036119775750565b7fcd6dc9bc000000000000000000000000000000000000000000000000000000005f526004523360245260445ffd5b90600182811c921680156119ed575b60208310146119c057565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52602260045260245ffd5b91607f16916119b5565b9190600590611a0461170a565b938452805473ffffffffffffffffffffffffffffffffffffffff8116602086015260018201549073ffffffffffffffffffffffffffffffffffffffff8216604087015260a01c606086015260ff8160e81c16608086015260ff8160f01c1660a0860152600282015460d81c60c086015263ffffffff8160c81c1660e0860152611a8c82611c08565b61010086015260038201548060d81c90428211611bc5575b505064ffffffffff8160a01c1661016086015260048201547fff0000000000000000000000000000000000000000000000000000000000000060405192166020830152602182015260218152611afb6041826116ab565b6101808501520160405190815f825492611b14846119a6565b8084529360018116908115611b855750600114611b41575b50611b39925003826116ab565b6101a0830152565b90505f9291925260205f20905f915b818310611b69575050906020611b39928201015f611b2c565b6020919350806001915483858801015201910190918392611b50565b60209350611b399592507fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff0091501682840152151560051b8201015f611b2c565b68ffffffffffffffffff60405191611bdc83611662565b8181168352818160481c16602084015260901c1660408201526101208701526101408601525f80611aa4565b611c106116ec565b506003810154908160d81c8015159081611c7b575b50611c635760029150015468ffffffffffffffffff60405191611c4783611662565b8181168352818160481c16602084015260901c16604082015290565b5068ffffffffffffffffff60405191611c4783611662565b90504210155f611c25565b9091939260ff831680158015611e74575b8015611e68575b8015611e50575b8015611e38575b611e05575064ffffffffff67ffffffffffffffff8216118015611dee575b6102945764ffffffffff600291611da19460018501977fff0000ffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7dff00000000000000000000000000000000000000000000000000000000007eff0000000000000000000000000000000000000000000000000000000000008b549360f01b169360e81b16911617178755169101907affffffffffffffffffffffffffffffffffffffffffffffffffffff7fffffffffff00000000000000000000000000000000000000000000000000000083549260d81b169116179055565b7fffffff00000000ffffffffffffffffffffffffffffffffffffffffffffffffff7cffffffff0000000000000000000000000000000000000000000000000083549260c81b169116179055565b5063ffffffff67ffffffffffffffff851611611cca565b8560ff917fdd75718a000000000000000000000000000000000000000000000000000000005f526004521660245260445ffd5b5060018416158015611cac575060ff86161515611cac565b506001841615158015611ca5575060ff861615611ca5565b5060f886161515611c9e565b5060fc84161515611c97565b90949392919283158015612144575b61211c5780612111575f905b8160218214806120ef575b1561207a575060211161033c5760016005930135905b60018301907effffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7fff0000000000000000000000000000000000000000000000000000000000000083549260f81b1691161790556004820155019067ffffffffffffffff811161167e57611f2e82546119a6565b601f8111612029575b505f601f8211600114611f8d57819293945f92611f82575b50507fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff8260011b9260031b1c1916179055565b013590505f80611f4f565b7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0821694835f5260205f20915f5b878110612011575083600195969710611fd9575b505050811b019055565b7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff60f88560031b161c199101351690555f8080611fcf565b90926020600181928686013581550194019101611fbb565b81811115611f3757825f5260205f20601f830160051c9060208410612072575b81601f9101920160051c03905f5b828110612065575050611f37565b5f82820155600101612057565b5f9150612049565b9091506041821490816120e1575b50156120b9578060211161033c57600183013590604010156118235760016040600594013560f81c16600217611ebc565b7f9004e74a000000000000000000000000000000000000000000000000000000005f5260045ffd5b6004915060ff16145f612088565b5060ff811660028114908115612106575b50611ea6565b60039150145f612100565b823560f81c90611e9b565b7ff1cbb567000000000000000000000000000000000000000000000000000000005f5260045ffd5b506101008411611e8f565b92909173ffffffffffffffffffffffffffffffffffffffff9081604051947f23b872dd000000000000000000000000000000000000000000000000000000005f52166004521660245260445260205f60648180865af19060015f51148216156121c2575b6040525f606052156113685750565b9060018115166113c257823b15153d151616906121b356fea164736f6c6343000825000a",
}

// Registry is an auto generated Go binding around an Ethereum contract.
type Registry struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *Registry) GetABI() abi.ABI {
	return c.abi
}

// NewRegistry creates a new instance of Registry.
func NewRegistry() *Registry {
	parsed, err := RegistryMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &Registry{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *Registry) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address stakeToken_, uint256 minStake_, uint256 priceDelay_, uint256 unbonding_) returns()
func (registry *Registry) PackConstructor(stakeToken_ common.Address, minStake_ *big.Int, priceDelay_ *big.Int, unbonding_ *big.Int) []byte {
	enc, err := registry.abi.Pack("", stakeToken_, minStake_, priceDelay_, unbonding_)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackGATEWAYAPNS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xaae2230b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function GATEWAY_APNS() view returns(uint8)
func (registry *Registry) PackGATEWAYAPNS() []byte {
	enc, err := registry.abi.Pack("GATEWAY_APNS")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGATEWAYAPNS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xaae2230b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function GATEWAY_APNS() view returns(uint8)
func (registry *Registry) TryPackGATEWAYAPNS() ([]byte, error) {
	return registry.abi.Pack("GATEWAY_APNS")
}

// UnpackGATEWAYAPNS is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xaae2230b.
//
// Solidity: function GATEWAY_APNS() view returns(uint8)
func (registry *Registry) UnpackGATEWAYAPNS(data []byte) (uint8, error) {
	out, err := registry.abi.Unpack("GATEWAY_APNS", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
	return out0, nil
}

// PackGATEWAYFCM is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3991327e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function GATEWAY_FCM() view returns(uint8)
func (registry *Registry) PackGATEWAYFCM() []byte {
	enc, err := registry.abi.Pack("GATEWAY_FCM")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGATEWAYFCM is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3991327e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function GATEWAY_FCM() view returns(uint8)
func (registry *Registry) TryPackGATEWAYFCM() ([]byte, error) {
	return registry.abi.Pack("GATEWAY_FCM")
}

// UnpackGATEWAYFCM is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x3991327e.
//
// Solidity: function GATEWAY_FCM() view returns(uint8)
func (registry *Registry) UnpackGATEWAYFCM(data []byte) (uint8, error) {
	out, err := registry.abi.Unpack("GATEWAY_FCM", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
	return out0, nil
}

// PackGATEWAYWEBPUSH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa7a171f8.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function GATEWAY_WEBPUSH() view returns(uint8)
func (registry *Registry) PackGATEWAYWEBPUSH() []byte {
	enc, err := registry.abi.Pack("GATEWAY_WEBPUSH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGATEWAYWEBPUSH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa7a171f8.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function GATEWAY_WEBPUSH() view returns(uint8)
func (registry *Registry) TryPackGATEWAYWEBPUSH() ([]byte, error) {
	return registry.abi.Pack("GATEWAY_WEBPUSH")
}

// UnpackGATEWAYWEBPUSH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa7a171f8.
//
// Solidity: function GATEWAY_WEBPUSH() view returns(uint8)
func (registry *Registry) UnpackGATEWAYWEBPUSH(data []byte) (uint8, error) {
	out, err := registry.abi.Unpack("GATEWAY_WEBPUSH", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
	return out0, nil
}

// PackMAXDELAY is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4125ff90.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_DELAY() view returns(uint256)
func (registry *Registry) PackMAXDELAY() []byte {
	enc, err := registry.abi.Pack("MAX_DELAY")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXDELAY is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4125ff90.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_DELAY() view returns(uint256)
func (registry *Registry) TryPackMAXDELAY() ([]byte, error) {
	return registry.abi.Pack("MAX_DELAY")
}

// UnpackMAXDELAY is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x4125ff90.
//
// Solidity: function MAX_DELAY() view returns(uint256)
func (registry *Registry) UnpackMAXDELAY(data []byte) (*big.Int, error) {
	out, err := registry.abi.Unpack("MAX_DELAY", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackMAXENDPOINTLENGTH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc85d3eb0.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_ENDPOINT_LENGTH() view returns(uint256)
func (registry *Registry) PackMAXENDPOINTLENGTH() []byte {
	enc, err := registry.abi.Pack("MAX_ENDPOINT_LENGTH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXENDPOINTLENGTH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc85d3eb0.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_ENDPOINT_LENGTH() view returns(uint256)
func (registry *Registry) TryPackMAXENDPOINTLENGTH() ([]byte, error) {
	return registry.abi.Pack("MAX_ENDPOINT_LENGTH")
}

// UnpackMAXENDPOINTLENGTH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xc85d3eb0.
//
// Solidity: function MAX_ENDPOINT_LENGTH() view returns(uint256)
func (registry *Registry) UnpackMAXENDPOINTLENGTH(data []byte) (*big.Int, error) {
	out, err := registry.abi.Unpack("MAX_ENDPOINT_LENGTH", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackMAXPAGE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x69fc09b9.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_PAGE() view returns(uint256)
func (registry *Registry) PackMAXPAGE() []byte {
	enc, err := registry.abi.Pack("MAX_PAGE")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXPAGE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x69fc09b9.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_PAGE() view returns(uint256)
func (registry *Registry) TryPackMAXPAGE() ([]byte, error) {
	return registry.abi.Pack("MAX_PAGE")
}

// UnpackMAXPAGE is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x69fc09b9.
//
// Solidity: function MAX_PAGE() view returns(uint256)
func (registry *Registry) UnpackMAXPAGE(data []byte) (*big.Int, error) {
	out, err := registry.abi.Unpack("MAX_PAGE", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackMAXSCAN is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x497d2ccf.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_SCAN() view returns(uint256)
func (registry *Registry) PackMAXSCAN() []byte {
	enc, err := registry.abi.Pack("MAX_SCAN")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXSCAN is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x497d2ccf.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_SCAN() view returns(uint256)
func (registry *Registry) TryPackMAXSCAN() ([]byte, error) {
	return registry.abi.Pack("MAX_SCAN")
}

// UnpackMAXSCAN is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x497d2ccf.
//
// Solidity: function MAX_SCAN() view returns(uint256)
func (registry *Registry) UnpackMAXSCAN(data []byte) (*big.Int, error) {
	out, err := registry.abi.Unpack("MAX_SCAN", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackSERVICEPUSH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x35a75f19.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function SERVICE_PUSH() view returns(uint8)
func (registry *Registry) PackSERVICEPUSH() []byte {
	enc, err := registry.abi.Pack("SERVICE_PUSH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSERVICEPUSH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x35a75f19.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function SERVICE_PUSH() view returns(uint8)
func (registry *Registry) TryPackSERVICEPUSH() ([]byte, error) {
	return registry.abi.Pack("SERVICE_PUSH")
}

// UnpackSERVICEPUSH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x35a75f19.
//
// Solidity: function SERVICE_PUSH() view returns(uint8)
func (registry *Registry) UnpackSERVICEPUSH(data []byte) (uint8, error) {
	out, err := registry.abi.Unpack("SERVICE_PUSH", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
	return out0, nil
}

// PackSERVICESTORE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x59d486bd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function SERVICE_STORE() view returns(uint8)
func (registry *Registry) PackSERVICESTORE() []byte {
	enc, err := registry.abi.Pack("SERVICE_STORE")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSERVICESTORE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x59d486bd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function SERVICE_STORE() view returns(uint8)
func (registry *Registry) TryPackSERVICESTORE() ([]byte, error) {
	return registry.abi.Pack("SERVICE_STORE")
}

// UnpackSERVICESTORE is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x59d486bd.
//
// Solidity: function SERVICE_STORE() view returns(uint8)
func (registry *Registry) UnpackSERVICESTORE(data []byte) (uint8, error) {
	out, err := registry.abi.Unpack("SERVICE_STORE", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
	return out0, nil
}

// PackAddStake is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfd2b5202.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function addStake(uint256 id, uint256 amount) returns()
func (registry *Registry) PackAddStake(id *big.Int, amount *big.Int) []byte {
	enc, err := registry.abi.Pack("addStake", id, amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAddStake is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfd2b5202.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function addStake(uint256 id, uint256 amount) returns()
func (registry *Registry) TryPackAddStake(id *big.Int, amount *big.Int) ([]byte, error) {
	return registry.abi.Pack("addStake", id, amount)
}

// PackAnnouncePrice is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6bb74d92.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function announcePrice(uint256 id, (uint256,uint256,uint256) price) returns()
func (registry *Registry) PackAnnouncePrice(id *big.Int, price RegistryPrice) []byte {
	enc, err := registry.abi.Pack("announcePrice", id, price)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAnnouncePrice is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6bb74d92.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function announcePrice(uint256 id, (uint256,uint256,uint256) price) returns()
func (registry *Registry) TryPackAnnouncePrice(id *big.Int, price RegistryPrice) ([]byte, error) {
	return registry.abi.Pack("announcePrice", id, price)
}

// PackCurrentPrice is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7a3c4c17.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function currentPrice(uint256 id) view returns((uint256,uint256,uint256))
func (registry *Registry) PackCurrentPrice(id *big.Int) []byte {
	enc, err := registry.abi.Pack("currentPrice", id)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCurrentPrice is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7a3c4c17.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function currentPrice(uint256 id) view returns((uint256,uint256,uint256))
func (registry *Registry) TryPackCurrentPrice(id *big.Int) ([]byte, error) {
	return registry.abi.Pack("currentPrice", id)
}

// UnpackCurrentPrice is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x7a3c4c17.
//
// Solidity: function currentPrice(uint256 id) view returns((uint256,uint256,uint256))
func (registry *Registry) UnpackCurrentPrice(data []byte) (RegistryPrice, error) {
	out, err := registry.abi.Unpack("currentPrice", data)
	if err != nil {
		return *new(RegistryPrice), err
	}
	out0 := *abi.ConvertType(out[0], new(RegistryPrice)).(*RegistryPrice)
	return out0, nil
}

// PackDepositTerms is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2fa6260c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function depositTerms(uint256 id) view returns(address token, bool active)
func (registry *Registry) PackDepositTerms(id *big.Int) []byte {
	enc, err := registry.abi.Pack("depositTerms", id)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDepositTerms is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2fa6260c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function depositTerms(uint256 id) view returns(address token, bool active)
func (registry *Registry) TryPackDepositTerms(id *big.Int) ([]byte, error) {
	return registry.abi.Pack("depositTerms", id)
}

// DepositTermsOutput serves as a container for the return parameters of contract
// method DepositTerms.
type DepositTermsOutput struct {
	Token  common.Address
	Active bool
}

// UnpackDepositTerms is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x2fa6260c.
//
// Solidity: function depositTerms(uint256 id) view returns(address token, bool active)
func (registry *Registry) UnpackDepositTerms(data []byte) (DepositTermsOutput, error) {
	out, err := registry.abi.Unpack("depositTerms", data)
	outstruct := new(DepositTermsOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Token = *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	outstruct.Active = *abi.ConvertType(out[1], new(bool)).(*bool)
	return *outstruct, nil
}

// PackGetProvider is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5c42d079.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getProvider(uint256 id) view returns((uint256,address,address,uint256,uint8,uint8,uint64,uint64,(uint256,uint256,uint256),(uint256,uint256,uint256),uint64,uint64,bytes,string))
func (registry *Registry) PackGetProvider(id *big.Int) []byte {
	enc, err := registry.abi.Pack("getProvider", id)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetProvider is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5c42d079.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getProvider(uint256 id) view returns((uint256,address,address,uint256,uint8,uint8,uint64,uint64,(uint256,uint256,uint256),(uint256,uint256,uint256),uint64,uint64,bytes,string))
func (registry *Registry) TryPackGetProvider(id *big.Int) ([]byte, error) {
	return registry.abi.Pack("getProvider", id)
}

// UnpackGetProvider is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x5c42d079.
//
// Solidity: function getProvider(uint256 id) view returns((uint256,address,address,uint256,uint8,uint8,uint64,uint64,(uint256,uint256,uint256),(uint256,uint256,uint256),uint64,uint64,bytes,string))
func (registry *Registry) UnpackGetProvider(data []byte) (RegistryProviderInfo, error) {
	out, err := registry.abi.Unpack("getProvider", data)
	if err != nil {
		return *new(RegistryProviderInfo), err
	}
	out0 := *abi.ConvertType(out[0], new(RegistryProviderInfo)).(*RegistryProviderInfo)
	return out0, nil
}

// PackMinStake is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x375b3c0a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function minStake() view returns(uint256)
func (registry *Registry) PackMinStake() []byte {
	enc, err := registry.abi.Pack("minStake")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMinStake is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x375b3c0a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function minStake() view returns(uint256)
func (registry *Registry) TryPackMinStake() ([]byte, error) {
	return registry.abi.Pack("minStake")
}

// UnpackMinStake is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x375b3c0a.
//
// Solidity: function minStake() view returns(uint256)
func (registry *Registry) UnpackMinStake(data []byte) (*big.Int, error) {
	out, err := registry.abi.Unpack("minStake", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackOperatorOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf41875e1.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function operatorOf(uint256 id) view returns(address)
func (registry *Registry) PackOperatorOf(id *big.Int) []byte {
	enc, err := registry.abi.Pack("operatorOf", id)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOperatorOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf41875e1.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function operatorOf(uint256 id) view returns(address)
func (registry *Registry) TryPackOperatorOf(id *big.Int) ([]byte, error) {
	return registry.abi.Pack("operatorOf", id)
}

// UnpackOperatorOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf41875e1.
//
// Solidity: function operatorOf(uint256 id) view returns(address)
func (registry *Registry) UnpackOperatorOf(data []byte) (common.Address, error) {
	out, err := registry.abi.Unpack("operatorOf", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackPendingPrice is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc1bbed3d.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function pendingPrice(uint256 id) view returns((uint256,uint256,uint256) price, uint64 effectiveAt)
func (registry *Registry) PackPendingPrice(id *big.Int) []byte {
	enc, err := registry.abi.Pack("pendingPrice", id)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPendingPrice is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc1bbed3d.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function pendingPrice(uint256 id) view returns((uint256,uint256,uint256) price, uint64 effectiveAt)
func (registry *Registry) TryPackPendingPrice(id *big.Int) ([]byte, error) {
	return registry.abi.Pack("pendingPrice", id)
}

// PendingPriceOutput serves as a container for the return parameters of contract
// method PendingPrice.
type PendingPriceOutput struct {
	Price       RegistryPrice
	EffectiveAt uint64
}

// UnpackPendingPrice is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xc1bbed3d.
//
// Solidity: function pendingPrice(uint256 id) view returns((uint256,uint256,uint256) price, uint64 effectiveAt)
func (registry *Registry) UnpackPendingPrice(data []byte) (PendingPriceOutput, error) {
	out, err := registry.abi.Unpack("pendingPrice", data)
	outstruct := new(PendingPriceOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Price = *abi.ConvertType(out[0], new(RegistryPrice)).(*RegistryPrice)
	outstruct.EffectiveAt = *abi.ConvertType(out[1], new(uint64)).(*uint64)
	return *outstruct, nil
}

// PackPriceDelay is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5438ab35.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function priceDelay() view returns(uint256)
func (registry *Registry) PackPriceDelay() []byte {
	enc, err := registry.abi.Pack("priceDelay")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPriceDelay is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5438ab35.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function priceDelay() view returns(uint256)
func (registry *Registry) TryPackPriceDelay() ([]byte, error) {
	return registry.abi.Pack("priceDelay")
}

// UnpackPriceDelay is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x5438ab35.
//
// Solidity: function priceDelay() view returns(uint256)
func (registry *Registry) UnpackPriceDelay(data []byte) (*big.Int, error) {
	out, err := registry.abi.Unpack("priceDelay", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackProviderCount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x74c83268.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function providerCount() view returns(uint256)
func (registry *Registry) PackProviderCount() []byte {
	enc, err := registry.abi.Pack("providerCount")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackProviderCount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x74c83268.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function providerCount() view returns(uint256)
func (registry *Registry) TryPackProviderCount() ([]byte, error) {
	return registry.abi.Pack("providerCount")
}

// UnpackProviderCount is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x74c83268.
//
// Solidity: function providerCount() view returns(uint256)
func (registry *Registry) UnpackProviderCount(data []byte) (*big.Int, error) {
	out, err := registry.abi.Unpack("providerCount", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackProviders is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x969915ce.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function providers(uint256 offset, uint256 limit) view returns((uint256,address,address,uint256,uint8,uint8,uint64,uint64,(uint256,uint256,uint256),(uint256,uint256,uint256),uint64,uint64,bytes,string)[] page, uint256 next)
func (registry *Registry) PackProviders(offset *big.Int, limit *big.Int) []byte {
	enc, err := registry.abi.Pack("providers", offset, limit)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackProviders is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x969915ce.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function providers(uint256 offset, uint256 limit) view returns((uint256,address,address,uint256,uint8,uint8,uint64,uint64,(uint256,uint256,uint256),(uint256,uint256,uint256),uint64,uint64,bytes,string)[] page, uint256 next)
func (registry *Registry) TryPackProviders(offset *big.Int, limit *big.Int) ([]byte, error) {
	return registry.abi.Pack("providers", offset, limit)
}

// ProvidersOutput serves as a container for the return parameters of contract
// method Providers.
type ProvidersOutput struct {
	Page []RegistryProviderInfo
	Next *big.Int
}

// UnpackProviders is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x969915ce.
//
// Solidity: function providers(uint256 offset, uint256 limit) view returns((uint256,address,address,uint256,uint8,uint8,uint64,uint64,(uint256,uint256,uint256),(uint256,uint256,uint256),uint64,uint64,bytes,string)[] page, uint256 next)
func (registry *Registry) UnpackProviders(data []byte) (ProvidersOutput, error) {
	out, err := registry.abi.Unpack("providers", data)
	outstruct := new(ProvidersOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Page = *abi.ConvertType(out[0], new([]RegistryProviderInfo)).(*[]RegistryProviderInfo)
	outstruct.Next = abi.ConvertType(out[1], new(big.Int)).(*big.Int)
	return *outstruct, nil
}

// PackRegister is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbd6072da.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function register((string,bytes,uint8,uint8,uint64,uint64,(uint256,uint256,uint256),address,uint256) args) returns(uint256 id)
func (registry *Registry) PackRegister(args RegistryRegisterArgs) []byte {
	enc, err := registry.abi.Pack("register", args)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRegister is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbd6072da.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function register((string,bytes,uint8,uint8,uint64,uint64,(uint256,uint256,uint256),address,uint256) args) returns(uint256 id)
func (registry *Registry) TryPackRegister(args RegistryRegisterArgs) ([]byte, error) {
	return registry.abi.Pack("register", args)
}

// UnpackRegister is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xbd6072da.
//
// Solidity: function register((string,bytes,uint8,uint8,uint64,uint64,(uint256,uint256,uint256),address,uint256) args) returns(uint256 id)
func (registry *Registry) UnpackRegister(data []byte) (*big.Int, error) {
	out, err := registry.abi.Unpack("register", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackRequestExit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x721c6513.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function requestExit(uint256 id) returns()
func (registry *Registry) PackRequestExit(id *big.Int) []byte {
	enc, err := registry.abi.Pack("requestExit", id)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRequestExit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x721c6513.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function requestExit(uint256 id) returns()
func (registry *Registry) TryPackRequestExit(id *big.Int) ([]byte, error) {
	return registry.abi.Pack("requestExit", id)
}

// PackSetOperator is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe7a1c1c0.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setOperator(uint256 id, address operator) returns()
func (registry *Registry) PackSetOperator(id *big.Int, operator common.Address) []byte {
	enc, err := registry.abi.Pack("setOperator", id, operator)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetOperator is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe7a1c1c0.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setOperator(uint256 id, address operator) returns()
func (registry *Registry) TryPackSetOperator(id *big.Int, operator common.Address) ([]byte, error) {
	return registry.abi.Pack("setOperator", id, operator)
}

// PackStakeToken is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x51ed6a30.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function stakeToken() view returns(address)
func (registry *Registry) PackStakeToken() []byte {
	enc, err := registry.abi.Pack("stakeToken")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackStakeToken is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x51ed6a30.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function stakeToken() view returns(address)
func (registry *Registry) TryPackStakeToken() ([]byte, error) {
	return registry.abi.Pack("stakeToken")
}

// UnpackStakeToken is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x51ed6a30.
//
// Solidity: function stakeToken() view returns(address)
func (registry *Registry) UnpackStakeToken(data []byte) (common.Address, error) {
	out, err := registry.abi.Unpack("stakeToken", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackUnbonding is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x331fc44a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function unbonding() view returns(uint256)
func (registry *Registry) PackUnbonding() []byte {
	enc, err := registry.abi.Pack("unbonding")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackUnbonding is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x331fc44a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function unbonding() view returns(uint256)
func (registry *Registry) TryPackUnbonding() ([]byte, error) {
	return registry.abi.Pack("unbonding")
}

// UnpackUnbonding is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x331fc44a.
//
// Solidity: function unbonding() view returns(uint256)
func (registry *Registry) UnpackUnbonding(data []byte) (*big.Int, error) {
	out, err := registry.abi.Unpack("unbonding", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackUpdate is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7d403e52.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function update(uint256 id, string endpoint, bytes nodeKey, uint8 services, uint8 gateways, uint64 capacityWakeupsPerDay, uint64 capacityGB) returns()
func (registry *Registry) PackUpdate(id *big.Int, endpoint string, nodeKey []byte, services uint8, gateways uint8, capacityWakeupsPerDay uint64, capacityGB uint64) []byte {
	enc, err := registry.abi.Pack("update", id, endpoint, nodeKey, services, gateways, capacityWakeupsPerDay, capacityGB)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackUpdate is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7d403e52.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function update(uint256 id, string endpoint, bytes nodeKey, uint8 services, uint8 gateways, uint64 capacityWakeupsPerDay, uint64 capacityGB) returns()
func (registry *Registry) TryPackUpdate(id *big.Int, endpoint string, nodeKey []byte, services uint8, gateways uint8, capacityWakeupsPerDay uint64, capacityGB uint64) ([]byte, error) {
	return registry.abi.Pack("update", id, endpoint, nodeKey, services, gateways, capacityWakeupsPerDay, capacityGB)
}

// PackWithdrawStake is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x25d5971f.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function withdrawStake(uint256 id) returns()
func (registry *Registry) PackWithdrawStake(id *big.Int) []byte {
	enc, err := registry.abi.Pack("withdrawStake", id)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackWithdrawStake is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x25d5971f.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function withdrawStake(uint256 id) returns()
func (registry *Registry) TryPackWithdrawStake(id *big.Int) ([]byte, error) {
	return registry.abi.Pack("withdrawStake", id)
}

// RegistryExitRequested represents a ExitRequested event raised by the Registry contract.
type RegistryExitRequested struct {
	Id       *big.Int
	Provider RegistryProviderInfo
	Raw      *types.Log // Blockchain specific contextual infos
}

const RegistryExitRequestedEventName = "ExitRequested"

// ContractEventName returns the user-defined event name.
func (RegistryExitRequested) ContractEventName() string {
	return RegistryExitRequestedEventName
}

// UnpackExitRequestedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ExitRequested(uint256 indexed id, (uint256,address,address,uint256,uint8,uint8,uint64,uint64,(uint256,uint256,uint256),(uint256,uint256,uint256),uint64,uint64,bytes,string) provider)
func (registry *Registry) UnpackExitRequestedEvent(log *types.Log) (*RegistryExitRequested, error) {
	event := "ExitRequested"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != registry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(RegistryExitRequested)
	if len(log.Data) > 0 {
		if err := registry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range registry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// RegistryPriceAnnounced represents a PriceAnnounced event raised by the Registry contract.
type RegistryPriceAnnounced struct {
	Id       *big.Int
	Provider RegistryProviderInfo
	Raw      *types.Log // Blockchain specific contextual infos
}

const RegistryPriceAnnouncedEventName = "PriceAnnounced"

// ContractEventName returns the user-defined event name.
func (RegistryPriceAnnounced) ContractEventName() string {
	return RegistryPriceAnnouncedEventName
}

// UnpackPriceAnnouncedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event PriceAnnounced(uint256 indexed id, (uint256,address,address,uint256,uint8,uint8,uint64,uint64,(uint256,uint256,uint256),(uint256,uint256,uint256),uint64,uint64,bytes,string) provider)
func (registry *Registry) UnpackPriceAnnouncedEvent(log *types.Log) (*RegistryPriceAnnounced, error) {
	event := "PriceAnnounced"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != registry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(RegistryPriceAnnounced)
	if len(log.Data) > 0 {
		if err := registry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range registry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// RegistryProviderRegistered represents a ProviderRegistered event raised by the Registry contract.
type RegistryProviderRegistered struct {
	Id       *big.Int
	Operator common.Address
	Provider RegistryProviderInfo
	Raw      *types.Log // Blockchain specific contextual infos
}

const RegistryProviderRegisteredEventName = "ProviderRegistered"

// ContractEventName returns the user-defined event name.
func (RegistryProviderRegistered) ContractEventName() string {
	return RegistryProviderRegisteredEventName
}

// UnpackProviderRegisteredEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ProviderRegistered(uint256 indexed id, address indexed operator, (uint256,address,address,uint256,uint8,uint8,uint64,uint64,(uint256,uint256,uint256),(uint256,uint256,uint256),uint64,uint64,bytes,string) provider)
func (registry *Registry) UnpackProviderRegisteredEvent(log *types.Log) (*RegistryProviderRegistered, error) {
	event := "ProviderRegistered"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != registry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(RegistryProviderRegistered)
	if len(log.Data) > 0 {
		if err := registry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range registry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// RegistryProviderUpdated represents a ProviderUpdated event raised by the Registry contract.
type RegistryProviderUpdated struct {
	Id       *big.Int
	Provider RegistryProviderInfo
	Raw      *types.Log // Blockchain specific contextual infos
}

const RegistryProviderUpdatedEventName = "ProviderUpdated"

// ContractEventName returns the user-defined event name.
func (RegistryProviderUpdated) ContractEventName() string {
	return RegistryProviderUpdatedEventName
}

// UnpackProviderUpdatedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ProviderUpdated(uint256 indexed id, (uint256,address,address,uint256,uint8,uint8,uint64,uint64,(uint256,uint256,uint256),(uint256,uint256,uint256),uint64,uint64,bytes,string) provider)
func (registry *Registry) UnpackProviderUpdatedEvent(log *types.Log) (*RegistryProviderUpdated, error) {
	event := "ProviderUpdated"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != registry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(RegistryProviderUpdated)
	if len(log.Data) > 0 {
		if err := registry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range registry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// RegistryStakeAdded represents a StakeAdded event raised by the Registry contract.
type RegistryStakeAdded struct {
	Id       *big.Int
	From     common.Address
	Amount   *big.Int
	Provider RegistryProviderInfo
	Raw      *types.Log // Blockchain specific contextual infos
}

const RegistryStakeAddedEventName = "StakeAdded"

// ContractEventName returns the user-defined event name.
func (RegistryStakeAdded) ContractEventName() string {
	return RegistryStakeAddedEventName
}

// UnpackStakeAddedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event StakeAdded(uint256 indexed id, address indexed from, uint256 amount, (uint256,address,address,uint256,uint8,uint8,uint64,uint64,(uint256,uint256,uint256),(uint256,uint256,uint256),uint64,uint64,bytes,string) provider)
func (registry *Registry) UnpackStakeAddedEvent(log *types.Log) (*RegistryStakeAdded, error) {
	event := "StakeAdded"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != registry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(RegistryStakeAdded)
	if len(log.Data) > 0 {
		if err := registry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range registry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// RegistryStakeWithdrawn represents a StakeWithdrawn event raised by the Registry contract.
type RegistryStakeWithdrawn struct {
	Id       *big.Int
	Amount   *big.Int
	Provider RegistryProviderInfo
	Raw      *types.Log // Blockchain specific contextual infos
}

const RegistryStakeWithdrawnEventName = "StakeWithdrawn"

// ContractEventName returns the user-defined event name.
func (RegistryStakeWithdrawn) ContractEventName() string {
	return RegistryStakeWithdrawnEventName
}

// UnpackStakeWithdrawnEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event StakeWithdrawn(uint256 indexed id, uint256 amount, (uint256,address,address,uint256,uint8,uint8,uint64,uint64,(uint256,uint256,uint256),(uint256,uint256,uint256),uint64,uint64,bytes,string) provider)
func (registry *Registry) UnpackStakeWithdrawnEvent(log *types.Log) (*RegistryStakeWithdrawn, error) {
	event := "StakeWithdrawn"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != registry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(RegistryStakeWithdrawn)
	if len(log.Data) > 0 {
		if err := registry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range registry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// UnpackError attempts to decode the provided error data using user-defined
// error definitions.
func (registry *Registry) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], registry.abi.Errors["InvalidEndpoint"].ID.Bytes()[:4]) {
		return registry.UnpackInvalidEndpointError(raw[4:])
	}
	if bytes.Equal(raw[:4], registry.abi.Errors["InvalidNodeKey"].ID.Bytes()[:4]) {
		return registry.UnpackInvalidNodeKeyError(raw[4:])
	}
	if bytes.Equal(raw[:4], registry.abi.Errors["InvalidParam"].ID.Bytes()[:4]) {
		return registry.UnpackInvalidParamError(raw[4:])
	}
	if bytes.Equal(raw[:4], registry.abi.Errors["InvalidServices"].ID.Bytes()[:4]) {
		return registry.UnpackInvalidServicesError(raw[4:])
	}
	if bytes.Equal(raw[:4], registry.abi.Errors["NotExiting"].ID.Bytes()[:4]) {
		return registry.UnpackNotExitingError(raw[4:])
	}
	if bytes.Equal(raw[:4], registry.abi.Errors["NotOperator"].ID.Bytes()[:4]) {
		return registry.UnpackNotOperatorError(raw[4:])
	}
	if bytes.Equal(raw[:4], registry.abi.Errors["NothingToWithdraw"].ID.Bytes()[:4]) {
		return registry.UnpackNothingToWithdrawError(raw[4:])
	}
	if bytes.Equal(raw[:4], registry.abi.Errors["ProviderNotActive"].ID.Bytes()[:4]) {
		return registry.UnpackProviderNotActiveError(raw[4:])
	}
	if bytes.Equal(raw[:4], registry.abi.Errors["ReentrancyGuardReentrantCall"].ID.Bytes()[:4]) {
		return registry.UnpackReentrancyGuardReentrantCallError(raw[4:])
	}
	if bytes.Equal(raw[:4], registry.abi.Errors["SafeERC20FailedOperation"].ID.Bytes()[:4]) {
		return registry.UnpackSafeERC20FailedOperationError(raw[4:])
	}
	if bytes.Equal(raw[:4], registry.abi.Errors["StakeTooLow"].ID.Bytes()[:4]) {
		return registry.UnpackStakeTooLowError(raw[4:])
	}
	if bytes.Equal(raw[:4], registry.abi.Errors["Unbonding"].ID.Bytes()[:4]) {
		return registry.UnpackUnbondingError(raw[4:])
	}
	if bytes.Equal(raw[:4], registry.abi.Errors["UnknownProvider"].ID.Bytes()[:4]) {
		return registry.UnpackUnknownProviderError(raw[4:])
	}
	if bytes.Equal(raw[:4], registry.abi.Errors["ValueOutOfRange"].ID.Bytes()[:4]) {
		return registry.UnpackValueOutOfRangeError(raw[4:])
	}
	if bytes.Equal(raw[:4], registry.abi.Errors["ZeroAddress"].ID.Bytes()[:4]) {
		return registry.UnpackZeroAddressError(raw[4:])
	}
	if bytes.Equal(raw[:4], registry.abi.Errors["ZeroAmount"].ID.Bytes()[:4]) {
		return registry.UnpackZeroAmountError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// RegistryInvalidEndpoint represents a InvalidEndpoint error raised by the Registry contract.
type RegistryInvalidEndpoint struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidEndpoint()
func RegistryInvalidEndpointErrorID() common.Hash {
	return common.HexToHash("0xf1cbb567704015383ee98669ab32a18748b06087e30f09387a43e6494de0fe61")
}

// UnpackInvalidEndpointError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidEndpoint()
func (registry *Registry) UnpackInvalidEndpointError(raw []byte) (*RegistryInvalidEndpoint, error) {
	out := new(RegistryInvalidEndpoint)
	if err := registry.abi.UnpackIntoInterface(out, "InvalidEndpoint", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RegistryInvalidNodeKey represents a InvalidNodeKey error raised by the Registry contract.
type RegistryInvalidNodeKey struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidNodeKey()
func RegistryInvalidNodeKeyErrorID() common.Hash {
	return common.HexToHash("0x9004e74a9be847184834488cf245f1b73d3df06b4326cec1f728fbc4e8d1448f")
}

// UnpackInvalidNodeKeyError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidNodeKey()
func (registry *Registry) UnpackInvalidNodeKeyError(raw []byte) (*RegistryInvalidNodeKey, error) {
	out := new(RegistryInvalidNodeKey)
	if err := registry.abi.UnpackIntoInterface(out, "InvalidNodeKey", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RegistryInvalidParam represents a InvalidParam error raised by the Registry contract.
type RegistryInvalidParam struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidParam()
func RegistryInvalidParamErrorID() common.Hash {
	return common.HexToHash("0xd252903405a2aa3677bf7fa987b9de56ecb475fc3e62468b92d245fa18542b5e")
}

// UnpackInvalidParamError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidParam()
func (registry *Registry) UnpackInvalidParamError(raw []byte) (*RegistryInvalidParam, error) {
	out := new(RegistryInvalidParam)
	if err := registry.abi.UnpackIntoInterface(out, "InvalidParam", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RegistryInvalidServices represents a InvalidServices error raised by the Registry contract.
type RegistryInvalidServices struct {
	Services uint8
	Gateways uint8
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidServices(uint8 services, uint8 gateways)
func RegistryInvalidServicesErrorID() common.Hash {
	return common.HexToHash("0xdd75718a3bfd0c6a2afe33feda41f9f6e20ca174c321535f1e1f62b8c0a94693")
}

// UnpackInvalidServicesError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidServices(uint8 services, uint8 gateways)
func (registry *Registry) UnpackInvalidServicesError(raw []byte) (*RegistryInvalidServices, error) {
	out := new(RegistryInvalidServices)
	if err := registry.abi.UnpackIntoInterface(out, "InvalidServices", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RegistryNotExiting represents a NotExiting error raised by the Registry contract.
type RegistryNotExiting struct {
	Id *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotExiting(uint256 id)
func RegistryNotExitingErrorID() common.Hash {
	return common.HexToHash("0x3d636205079efb0c15a9af8034198fd572dc4bd530cb3eb2dae1d09acd0a4c51")
}

// UnpackNotExitingError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotExiting(uint256 id)
func (registry *Registry) UnpackNotExitingError(raw []byte) (*RegistryNotExiting, error) {
	out := new(RegistryNotExiting)
	if err := registry.abi.UnpackIntoInterface(out, "NotExiting", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RegistryNotOperator represents a NotOperator error raised by the Registry contract.
type RegistryNotOperator struct {
	Id     *big.Int
	Caller common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotOperator(uint256 id, address caller)
func RegistryNotOperatorErrorID() common.Hash {
	return common.HexToHash("0xcd6dc9bc222f2d6c7f3d6d07678b25cbe67315a0da2eb3475060097bb2d3f428")
}

// UnpackNotOperatorError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotOperator(uint256 id, address caller)
func (registry *Registry) UnpackNotOperatorError(raw []byte) (*RegistryNotOperator, error) {
	out := new(RegistryNotOperator)
	if err := registry.abi.UnpackIntoInterface(out, "NotOperator", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RegistryNothingToWithdraw represents a NothingToWithdraw error raised by the Registry contract.
type RegistryNothingToWithdraw struct {
	Id *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NothingToWithdraw(uint256 id)
func RegistryNothingToWithdrawErrorID() common.Hash {
	return common.HexToHash("0x155eed365e054981e62f67ae78164808bf9c7189d8ec98aa7a678be96efee140")
}

// UnpackNothingToWithdrawError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NothingToWithdraw(uint256 id)
func (registry *Registry) UnpackNothingToWithdrawError(raw []byte) (*RegistryNothingToWithdraw, error) {
	out := new(RegistryNothingToWithdraw)
	if err := registry.abi.UnpackIntoInterface(out, "NothingToWithdraw", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RegistryProviderNotActive represents a ProviderNotActive error raised by the Registry contract.
type RegistryProviderNotActive struct {
	Id *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ProviderNotActive(uint256 id)
func RegistryProviderNotActiveErrorID() common.Hash {
	return common.HexToHash("0xbee4b1ceca30ce2763d700c0033fdcce562621bbe3cd2d888e66a7f9eaa9def3")
}

// UnpackProviderNotActiveError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ProviderNotActive(uint256 id)
func (registry *Registry) UnpackProviderNotActiveError(raw []byte) (*RegistryProviderNotActive, error) {
	out := new(RegistryProviderNotActive)
	if err := registry.abi.UnpackIntoInterface(out, "ProviderNotActive", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RegistryReentrancyGuardReentrantCall represents a ReentrancyGuardReentrantCall error raised by the Registry contract.
type RegistryReentrancyGuardReentrantCall struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ReentrancyGuardReentrantCall()
func RegistryReentrancyGuardReentrantCallErrorID() common.Hash {
	return common.HexToHash("0x3ee5aeb571de7fc460830b4d0017439a1ca56fb0bc39062227ade4fe4a24c1ca")
}

// UnpackReentrancyGuardReentrantCallError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ReentrancyGuardReentrantCall()
func (registry *Registry) UnpackReentrancyGuardReentrantCallError(raw []byte) (*RegistryReentrancyGuardReentrantCall, error) {
	out := new(RegistryReentrancyGuardReentrantCall)
	if err := registry.abi.UnpackIntoInterface(out, "ReentrancyGuardReentrantCall", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RegistrySafeERC20FailedOperation represents a SafeERC20FailedOperation error raised by the Registry contract.
type RegistrySafeERC20FailedOperation struct {
	Token common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error SafeERC20FailedOperation(address token)
func RegistrySafeERC20FailedOperationErrorID() common.Hash {
	return common.HexToHash("0x5274afe73c98b4749fc91ffae6b7b574e7842cb2144a159e9377a5f20b32edf9")
}

// UnpackSafeERC20FailedOperationError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error SafeERC20FailedOperation(address token)
func (registry *Registry) UnpackSafeERC20FailedOperationError(raw []byte) (*RegistrySafeERC20FailedOperation, error) {
	out := new(RegistrySafeERC20FailedOperation)
	if err := registry.abi.UnpackIntoInterface(out, "SafeERC20FailedOperation", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RegistryStakeTooLow represents a StakeTooLow error raised by the Registry contract.
type RegistryStakeTooLow struct {
	Stake    *big.Int
	MinStake *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error StakeTooLow(uint256 stake, uint256 minStake)
func RegistryStakeTooLowErrorID() common.Hash {
	return common.HexToHash("0x829f11638d406de2605d01f8ea108c1f13393def0f2b7b6e6ffffd9996d50bd5")
}

// UnpackStakeTooLowError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error StakeTooLow(uint256 stake, uint256 minStake)
func (registry *Registry) UnpackStakeTooLowError(raw []byte) (*RegistryStakeTooLow, error) {
	out := new(RegistryStakeTooLow)
	if err := registry.abi.UnpackIntoInterface(out, "StakeTooLow", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RegistryUnbonding represents a Unbonding error raised by the Registry contract.
type RegistryUnbonding struct {
	UnlockAt *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error Unbonding(uint256 unlockAt)
func RegistryUnbondingErrorID() common.Hash {
	return common.HexToHash("0x045fd2419f4732e69c9137738909d7ff2eb5a9c99c9c5b50a5fe85e7ef3a7373")
}

// UnpackUnbondingError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error Unbonding(uint256 unlockAt)
func (registry *Registry) UnpackUnbondingError(raw []byte) (*RegistryUnbonding, error) {
	out := new(RegistryUnbonding)
	if err := registry.abi.UnpackIntoInterface(out, "Unbonding", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RegistryUnknownProvider represents a UnknownProvider error raised by the Registry contract.
type RegistryUnknownProvider struct {
	Id *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error UnknownProvider(uint256 id)
func RegistryUnknownProviderErrorID() common.Hash {
	return common.HexToHash("0xfece9bb9a213cafc7c810b06fc8b72b0b13aa82c1caa5e915de3d607bdabc415")
}

// UnpackUnknownProviderError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error UnknownProvider(uint256 id)
func (registry *Registry) UnpackUnknownProviderError(raw []byte) (*RegistryUnknownProvider, error) {
	out := new(RegistryUnknownProvider)
	if err := registry.abi.UnpackIntoInterface(out, "UnknownProvider", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RegistryValueOutOfRange represents a ValueOutOfRange error raised by the Registry contract.
type RegistryValueOutOfRange struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ValueOutOfRange()
func RegistryValueOutOfRangeErrorID() common.Hash {
	return common.HexToHash("0x4eb4f9fbeca8785769bbc559f5702ef6b47be0b596d68b870f0f08e1e4f3d29c")
}

// UnpackValueOutOfRangeError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ValueOutOfRange()
func (registry *Registry) UnpackValueOutOfRangeError(raw []byte) (*RegistryValueOutOfRange, error) {
	out := new(RegistryValueOutOfRange)
	if err := registry.abi.UnpackIntoInterface(out, "ValueOutOfRange", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RegistryZeroAddress represents a ZeroAddress error raised by the Registry contract.
type RegistryZeroAddress struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroAddress()
func RegistryZeroAddressErrorID() common.Hash {
	return common.HexToHash("0xd92e233df2717d4a40030e20904abd27b68fcbeede117eaaccbbdac9618c8c73")
}

// UnpackZeroAddressError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroAddress()
func (registry *Registry) UnpackZeroAddressError(raw []byte) (*RegistryZeroAddress, error) {
	out := new(RegistryZeroAddress)
	if err := registry.abi.UnpackIntoInterface(out, "ZeroAddress", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RegistryZeroAmount represents a ZeroAmount error raised by the Registry contract.
type RegistryZeroAmount struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroAmount()
func RegistryZeroAmountErrorID() common.Hash {
	return common.HexToHash("0x1f2a2005cb66a8e145327e8814e243a0996aec9bfe1e15a495778b1236dbd485")
}

// UnpackZeroAmountError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroAmount()
func (registry *Registry) UnpackZeroAmountError(raw []byte) (*RegistryZeroAmount, error) {
	out := new(RegistryZeroAmount)
	if err := registry.abi.UnpackIntoInterface(out, "ZeroAmount", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// TestTokenMetaData contains all meta data concerning the TestToken contract.
var TestTokenMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"allowance\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"needed\",\"type\":\"uint256\"}],\"name\":\"ERC20InsufficientAllowance\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"balance\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"needed\",\"type\":\"uint256\"}],\"name\":\"ERC20InsufficientBalance\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"approver\",\"type\":\"address\"}],\"name\":\"ERC20InvalidApprover\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"receiver\",\"type\":\"address\"}],\"name\":\"ERC20InvalidReceiver\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"}],\"name\":\"ERC20InvalidSender\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"}],\"name\":\"ERC20InvalidSpender\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Approval\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Transfer\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"}],\"name\":\"allowance\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"approve\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"balanceOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"decimals\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"mint\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"name\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"symbol\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"totalSupply\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"transfer\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"transferFrom\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "f55a244fd302b3ad9c29331f7b5a231b71",
	Bin: "0x60806040523461033c57604080519081016001600160401b03811182821017610244576040908152601382527f706e6d61726b6574205465737420546f6b656e00000000000000000000000000602083015280519081016001600160401b0381118282101761024457604052600381526214139560ea1b602082015281516001600160401b03811161024457600354600181811c91168015610332575b602082101461022657601f81116102c4575b50602092601f821160011461026357928192935f92610258575b50508160011b915f199060031b1c1916176003555b80516001600160401b03811161024457600454600181811c9116801561023a575b602082101461022657601f81116101b8575b50602091601f8211600114610158579181925f9261014d575b50508160011b915f199060031b1c1916176004555b60405161085490816103418239f35b015190505f80610129565b601f1982169260045f52805f20915f5b8581106101a057508360019510610188575b505050811b0160045561013e565b01515f1960f88460031b161c191690555f808061017a565b91926020600181928685015181550194019201610168565b818111156101105760045f52601f820160051c7f8a35acfbc15ff81a39ae7d344fd709f28e8600b4aa8c65c6b64bfe7fe36bd19b6020841061021e575b81601f9101920160051c03905f5b828110610211575050610110565b5f82820155600101610203565b5f91506101f5565b634e487b7160e01b5f52602260045260245ffd5b90607f16906100fe565b634e487b7160e01b5f52604160045260245ffd5b015190505f806100c8565b601f1982169360035f52805f20915f5b8681106102ac5750836001959610610294575b505050811b016003556100dd565b01515f1960f88460031b161c191690555f8080610286565b91926020600181928685015181550194019201610273565b818111156100ae5760035f52601f820160051c7fc2575a0e9e593c00f959f8c92f12db2869c3395a3b0502d05e2516446f71f85b6020841061032a575b81601f9101920160051c03905f5b82811061031d5750506100ae565b5f8282015560010161030f565b5f9150610301565b90607f169061009c565b5f80fdfe6080806040526004361015610012575f80fd5b5f3560e01c90816306fdde031461060a57508063095ea7b31461057b57806318160ddd1461055e57806323b872dd146103e8578063313ce567146103cd57806340c10f19146102ec57806370a08231146102a857806395d89b411461012d578063a9059cbb146100fc5763dd62ed3e1461008a575f80fd5b346100f85760406003193601126100f8576100a361070b565b73ffffffffffffffffffffffffffffffffffffffff6100c061072e565b91165f52600160205273ffffffffffffffffffffffffffffffffffffffff60405f2091165f52602052602060405f2054604051908152f35b5f80fd5b346100f85760406003193601126100f85761012261011861070b565b6024359033610751565b602060405160018152f35b346100f8575f6003193601126100f8576040515f600454908160011c6001831692831561029e575b60208210841461027157818552849390811561022f57506001146101d3575b5003601f01601f191681019067ffffffffffffffff8211818310176101a6576101a2829182604052826106e1565b0390f35b7f4e487b71000000000000000000000000000000000000000000000000000000005f52604160045260245ffd5b60045f90815291507f8a35acfbc15ff81a39ae7d344fd709f28e8600b4aa8c65c6b64bfe7fe36bd19b5b8183106102135750508101602001601f19610174565b60209193508060019154838588010152019101909183926101fd565b7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff001660208581019190915291151560051b84019091019150601f199050610174565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52602260045260245ffd5b90607f1690610155565b346100f85760206003193601126100f85773ffffffffffffffffffffffffffffffffffffffff6102d661070b565b165f525f602052602060405f2054604051908152f35b346100f85760406003193601126100f85761030561070b565b73ffffffffffffffffffffffffffffffffffffffff1660243581156103a157600254908082018092116103745760207fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef915f9360025584845283825260408420818154019055604051908152a3005b7f4e487b71000000000000000000000000000000000000000000000000000000005f52601160045260245ffd5b7fec442f05000000000000000000000000000000000000000000000000000000005f525f60045260245ffd5b346100f8575f6003193601126100f857602060405160128152f35b346100f85760606003193601126100f85761040161070b565b61040961072e565b6044359073ffffffffffffffffffffffffffffffffffffffff831692835f52600160205260405f2073ffffffffffffffffffffffffffffffffffffffff33165f5260205260405f20547fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff8110610485575b506101229350610751565b83811061052a5784156104fe5733156104d257610122945f52600160205260405f2073ffffffffffffffffffffffffffffffffffffffff33165f526020528360405f20910390558461047a565b7f94280d62000000000000000000000000000000000000000000000000000000005f525f60045260245ffd5b7fe602df05000000000000000000000000000000000000000000000000000000005f525f60045260245ffd5b83907ffb8f41b2000000000000000000000000000000000000000000000000000000005f523360045260245260445260645ffd5b346100f8575f6003193601126100f8576020600254604051908152f35b346100f85760406003193601126100f85761059461070b565b6024359033156104fe5773ffffffffffffffffffffffffffffffffffffffff169081156104d257335f52600160205260405f20825f526020528060405f20556040519081527f8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b92560203392a3602060405160018152f35b346100f8575f6003193601126100f8575f600354908160011c600183169283156106d7575b60208210841461027157818552849390811561022f575060011461067b575003601f01601f191681019067ffffffffffffffff8211818310176101a6576101a2829182604052826106e1565b60035f90815291507fc2575a0e9e593c00f959f8c92f12db2869c3395a3b0502d05e2516446f71f85b5b8183106106bb5750508101602001601f19610174565b60209193508060019154838588010152019101909183926106a5565b90607f169061062f565b601f19601f602060409481855280519182918282880152018686015e5f8582860101520116010190565b6004359073ffffffffffffffffffffffffffffffffffffffff821682036100f857565b6024359073ffffffffffffffffffffffffffffffffffffffff821682036100f857565b73ffffffffffffffffffffffffffffffffffffffff1690811561081b5773ffffffffffffffffffffffffffffffffffffffff169182156103a157815f525f60205260405f20548181106107e957817fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef92602092855f525f84520360405f2055845f525f825260405f20818154019055604051908152a3565b827fe450d38c000000000000000000000000000000000000000000000000000000005f5260045260245260445260645ffd5b7f96c6fd1e000000000000000000000000000000000000000000000000000000005f525f60045260245ffdfea164736f6c6343000825000a",
}

// TestToken is an auto generated Go binding around an Ethereum contract.
type TestToken struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *TestToken) GetABI() abi.ABI {
	return c.abi
}

// NewTestToken creates a new instance of TestToken.
func NewTestToken() *TestToken {
	parsed, err := TestTokenMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &TestToken{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *TestToken) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackAllowance is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdd62ed3e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function allowance(address owner, address spender) view returns(uint256)
func (testToken *TestToken) PackAllowance(owner common.Address, spender common.Address) []byte {
	enc, err := testToken.abi.Pack("allowance", owner, spender)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAllowance is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdd62ed3e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function allowance(address owner, address spender) view returns(uint256)
func (testToken *TestToken) TryPackAllowance(owner common.Address, spender common.Address) ([]byte, error) {
	return testToken.abi.Pack("allowance", owner, spender)
}

// UnpackAllowance is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xdd62ed3e.
//
// Solidity: function allowance(address owner, address spender) view returns(uint256)
func (testToken *TestToken) UnpackAllowance(data []byte) (*big.Int, error) {
	out, err := testToken.abi.Unpack("allowance", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackApprove is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x095ea7b3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (testToken *TestToken) PackApprove(spender common.Address, value *big.Int) []byte {
	enc, err := testToken.abi.Pack("approve", spender, value)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackApprove is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x095ea7b3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (testToken *TestToken) TryPackApprove(spender common.Address, value *big.Int) ([]byte, error) {
	return testToken.abi.Pack("approve", spender, value)
}

// UnpackApprove is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x095ea7b3.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (testToken *TestToken) UnpackApprove(data []byte) (bool, error) {
	out, err := testToken.abi.Unpack("approve", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackBalanceOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x70a08231.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function balanceOf(address account) view returns(uint256)
func (testToken *TestToken) PackBalanceOf(account common.Address) []byte {
	enc, err := testToken.abi.Pack("balanceOf", account)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackBalanceOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x70a08231.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function balanceOf(address account) view returns(uint256)
func (testToken *TestToken) TryPackBalanceOf(account common.Address) ([]byte, error) {
	return testToken.abi.Pack("balanceOf", account)
}

// UnpackBalanceOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x70a08231.
//
// Solidity: function balanceOf(address account) view returns(uint256)
func (testToken *TestToken) UnpackBalanceOf(data []byte) (*big.Int, error) {
	out, err := testToken.abi.Unpack("balanceOf", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackDecimals is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x313ce567.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function decimals() view returns(uint8)
func (testToken *TestToken) PackDecimals() []byte {
	enc, err := testToken.abi.Pack("decimals")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDecimals is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x313ce567.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function decimals() view returns(uint8)
func (testToken *TestToken) TryPackDecimals() ([]byte, error) {
	return testToken.abi.Pack("decimals")
}

// UnpackDecimals is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x313ce567.
//
// Solidity: function decimals() view returns(uint8)
func (testToken *TestToken) UnpackDecimals(data []byte) (uint8, error) {
	out, err := testToken.abi.Unpack("decimals", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
	return out0, nil
}

// PackMint is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x40c10f19.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function mint(address to, uint256 amount) returns()
func (testToken *TestToken) PackMint(to common.Address, amount *big.Int) []byte {
	enc, err := testToken.abi.Pack("mint", to, amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMint is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x40c10f19.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function mint(address to, uint256 amount) returns()
func (testToken *TestToken) TryPackMint(to common.Address, amount *big.Int) ([]byte, error) {
	return testToken.abi.Pack("mint", to, amount)
}

// PackName is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x06fdde03.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function name() view returns(string)
func (testToken *TestToken) PackName() []byte {
	enc, err := testToken.abi.Pack("name")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackName is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x06fdde03.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function name() view returns(string)
func (testToken *TestToken) TryPackName() ([]byte, error) {
	return testToken.abi.Pack("name")
}

// UnpackName is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x06fdde03.
//
// Solidity: function name() view returns(string)
func (testToken *TestToken) UnpackName(data []byte) (string, error) {
	out, err := testToken.abi.Unpack("name", data)
	if err != nil {
		return *new(string), err
	}
	out0 := *abi.ConvertType(out[0], new(string)).(*string)
	return out0, nil
}

// PackSymbol is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x95d89b41.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function symbol() view returns(string)
func (testToken *TestToken) PackSymbol() []byte {
	enc, err := testToken.abi.Pack("symbol")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSymbol is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x95d89b41.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function symbol() view returns(string)
func (testToken *TestToken) TryPackSymbol() ([]byte, error) {
	return testToken.abi.Pack("symbol")
}

// UnpackSymbol is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x95d89b41.
//
// Solidity: function symbol() view returns(string)
func (testToken *TestToken) UnpackSymbol(data []byte) (string, error) {
	out, err := testToken.abi.Unpack("symbol", data)
	if err != nil {
		return *new(string), err
	}
	out0 := *abi.ConvertType(out[0], new(string)).(*string)
	return out0, nil
}

// PackTotalSupply is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x18160ddd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function totalSupply() view returns(uint256)
func (testToken *TestToken) PackTotalSupply() []byte {
	enc, err := testToken.abi.Pack("totalSupply")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTotalSupply is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x18160ddd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function totalSupply() view returns(uint256)
func (testToken *TestToken) TryPackTotalSupply() ([]byte, error) {
	return testToken.abi.Pack("totalSupply")
}

// UnpackTotalSupply is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (testToken *TestToken) UnpackTotalSupply(data []byte) (*big.Int, error) {
	out, err := testToken.abi.Unpack("totalSupply", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackTransfer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa9059cbb.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (testToken *TestToken) PackTransfer(to common.Address, value *big.Int) []byte {
	enc, err := testToken.abi.Pack("transfer", to, value)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTransfer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa9059cbb.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (testToken *TestToken) TryPackTransfer(to common.Address, value *big.Int) ([]byte, error) {
	return testToken.abi.Pack("transfer", to, value)
}

// UnpackTransfer is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa9059cbb.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (testToken *TestToken) UnpackTransfer(data []byte) (bool, error) {
	out, err := testToken.abi.Unpack("transfer", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackTransferFrom is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x23b872dd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (testToken *TestToken) PackTransferFrom(from common.Address, to common.Address, value *big.Int) []byte {
	enc, err := testToken.abi.Pack("transferFrom", from, to, value)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTransferFrom is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x23b872dd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (testToken *TestToken) TryPackTransferFrom(from common.Address, to common.Address, value *big.Int) ([]byte, error) {
	return testToken.abi.Pack("transferFrom", from, to, value)
}

// UnpackTransferFrom is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x23b872dd.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (testToken *TestToken) UnpackTransferFrom(data []byte) (bool, error) {
	out, err := testToken.abi.Unpack("transferFrom", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// TestTokenApproval represents a Approval event raised by the TestToken contract.
type TestTokenApproval struct {
	Owner   common.Address
	Spender common.Address
	Value   *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const TestTokenApprovalEventName = "Approval"

// ContractEventName returns the user-defined event name.
func (TestTokenApproval) ContractEventName() string {
	return TestTokenApprovalEventName
}

// UnpackApprovalEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Approval(address indexed owner, address indexed spender, uint256 value)
func (testToken *TestToken) UnpackApprovalEvent(log *types.Log) (*TestTokenApproval, error) {
	event := "Approval"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != testToken.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(TestTokenApproval)
	if len(log.Data) > 0 {
		if err := testToken.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range testToken.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// TestTokenTransfer represents a Transfer event raised by the TestToken contract.
type TestTokenTransfer struct {
	From  common.Address
	To    common.Address
	Value *big.Int
	Raw   *types.Log // Blockchain specific contextual infos
}

const TestTokenTransferEventName = "Transfer"

// ContractEventName returns the user-defined event name.
func (TestTokenTransfer) ContractEventName() string {
	return TestTokenTransferEventName
}

// UnpackTransferEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 value)
func (testToken *TestToken) UnpackTransferEvent(log *types.Log) (*TestTokenTransfer, error) {
	event := "Transfer"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != testToken.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(TestTokenTransfer)
	if len(log.Data) > 0 {
		if err := testToken.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range testToken.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// UnpackError attempts to decode the provided error data using user-defined
// error definitions.
func (testToken *TestToken) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], testToken.abi.Errors["ERC20InsufficientAllowance"].ID.Bytes()[:4]) {
		return testToken.UnpackERC20InsufficientAllowanceError(raw[4:])
	}
	if bytes.Equal(raw[:4], testToken.abi.Errors["ERC20InsufficientBalance"].ID.Bytes()[:4]) {
		return testToken.UnpackERC20InsufficientBalanceError(raw[4:])
	}
	if bytes.Equal(raw[:4], testToken.abi.Errors["ERC20InvalidApprover"].ID.Bytes()[:4]) {
		return testToken.UnpackERC20InvalidApproverError(raw[4:])
	}
	if bytes.Equal(raw[:4], testToken.abi.Errors["ERC20InvalidReceiver"].ID.Bytes()[:4]) {
		return testToken.UnpackERC20InvalidReceiverError(raw[4:])
	}
	if bytes.Equal(raw[:4], testToken.abi.Errors["ERC20InvalidSender"].ID.Bytes()[:4]) {
		return testToken.UnpackERC20InvalidSenderError(raw[4:])
	}
	if bytes.Equal(raw[:4], testToken.abi.Errors["ERC20InvalidSpender"].ID.Bytes()[:4]) {
		return testToken.UnpackERC20InvalidSpenderError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// TestTokenERC20InsufficientAllowance represents a ERC20InsufficientAllowance error raised by the TestToken contract.
type TestTokenERC20InsufficientAllowance struct {
	Spender   common.Address
	Allowance *big.Int
	Needed    *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)
func TestTokenERC20InsufficientAllowanceErrorID() common.Hash {
	return common.HexToHash("0xfb8f41b23e99d2101d86da76cdfa87dd51c82ed07d3cb62cbc473e469dbc75c3")
}

// UnpackERC20InsufficientAllowanceError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)
func (testToken *TestToken) UnpackERC20InsufficientAllowanceError(raw []byte) (*TestTokenERC20InsufficientAllowance, error) {
	out := new(TestTokenERC20InsufficientAllowance)
	if err := testToken.abi.UnpackIntoInterface(out, "ERC20InsufficientAllowance", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// TestTokenERC20InsufficientBalance represents a ERC20InsufficientBalance error raised by the TestToken contract.
type TestTokenERC20InsufficientBalance struct {
	Sender  common.Address
	Balance *big.Int
	Needed  *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)
func TestTokenERC20InsufficientBalanceErrorID() common.Hash {
	return common.HexToHash("0xe450d38cd8d9f7d95077d567d60ed49c7254716e6ad08fc9872816c97e0ffec6")
}

// UnpackERC20InsufficientBalanceError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)
func (testToken *TestToken) UnpackERC20InsufficientBalanceError(raw []byte) (*TestTokenERC20InsufficientBalance, error) {
	out := new(TestTokenERC20InsufficientBalance)
	if err := testToken.abi.UnpackIntoInterface(out, "ERC20InsufficientBalance", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// TestTokenERC20InvalidApprover represents a ERC20InvalidApprover error raised by the TestToken contract.
type TestTokenERC20InvalidApprover struct {
	Approver common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidApprover(address approver)
func TestTokenERC20InvalidApproverErrorID() common.Hash {
	return common.HexToHash("0xe602df05cc75712490294c6c104ab7c17f4030363910a7a2626411c6d3118847")
}

// UnpackERC20InvalidApproverError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidApprover(address approver)
func (testToken *TestToken) UnpackERC20InvalidApproverError(raw []byte) (*TestTokenERC20InvalidApprover, error) {
	out := new(TestTokenERC20InvalidApprover)
	if err := testToken.abi.UnpackIntoInterface(out, "ERC20InvalidApprover", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// TestTokenERC20InvalidReceiver represents a ERC20InvalidReceiver error raised by the TestToken contract.
type TestTokenERC20InvalidReceiver struct {
	Receiver common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidReceiver(address receiver)
func TestTokenERC20InvalidReceiverErrorID() common.Hash {
	return common.HexToHash("0xec442f055133b72f3b2f9f0bb351c406b178527de2040a7d1feb4e058771f613")
}

// UnpackERC20InvalidReceiverError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidReceiver(address receiver)
func (testToken *TestToken) UnpackERC20InvalidReceiverError(raw []byte) (*TestTokenERC20InvalidReceiver, error) {
	out := new(TestTokenERC20InvalidReceiver)
	if err := testToken.abi.UnpackIntoInterface(out, "ERC20InvalidReceiver", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// TestTokenERC20InvalidSender represents a ERC20InvalidSender error raised by the TestToken contract.
type TestTokenERC20InvalidSender struct {
	Sender common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidSender(address sender)
func TestTokenERC20InvalidSenderErrorID() common.Hash {
	return common.HexToHash("0x96c6fd1edd0cd6ef7ff0ecc0facdf53148dc0048b57fe58af65755250a7a96bd")
}

// UnpackERC20InvalidSenderError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidSender(address sender)
func (testToken *TestToken) UnpackERC20InvalidSenderError(raw []byte) (*TestTokenERC20InvalidSender, error) {
	out := new(TestTokenERC20InvalidSender)
	if err := testToken.abi.UnpackIntoInterface(out, "ERC20InvalidSender", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// TestTokenERC20InvalidSpender represents a ERC20InvalidSpender error raised by the TestToken contract.
type TestTokenERC20InvalidSpender struct {
	Spender common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidSpender(address spender)
func TestTokenERC20InvalidSpenderErrorID() common.Hash {
	return common.HexToHash("0x94280d62c347d8d9f4d59a76ea321452406db88df38e0c9da304f58b57b373a2")
}

// UnpackERC20InvalidSpenderError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidSpender(address spender)
func (testToken *TestToken) UnpackERC20InvalidSpenderError(raw []byte) (*TestTokenERC20InvalidSpender, error) {
	out := new(TestTokenERC20InvalidSpender)
	if err := testToken.abi.UnpackIntoInterface(out, "ERC20InvalidSpender", raw); err != nil {
		return nil, err
	}
	return out, nil
}
