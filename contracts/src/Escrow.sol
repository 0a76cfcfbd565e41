// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

/// @notice The part of the Registry the Escrow reads.
interface IProviderRegistry {
    function operatorOf(uint256 id) external view returns (address);
    function depositTerms(uint256 id) external view returns (address token, bool active);
}

/// @title pnmarket payment escrow
/// @notice Payers deposit per (payer, provider, token) and pay providers with EIP-712 signed cumulative
/// vouchers, which the provider's operator collects singly or in batches.
///
/// Accounting per (payer, provider, token): `balance` (all funds, thawing ones included) and `thawing`
/// (the part the payer asked back; always <= balance) with `thawEndsAt`. Per (payer, provider, token,
/// lane): `collected`, monotonic and never reset.
///
/// collect pays min(cumulative - collected, balance) to the operator and raises `collected` by exactly
/// what it paid, so a partial payment never burns the rest: the same voucher pays the remainder after a
/// new deposit. Thawing funds stay collectable until withdrawn.
///
/// A voucher is valid when signed by the payer, or by a device signer the payer authorised whose
/// revocation (requested with revokeSigner) has not yet taken effect. Replay across chains and
/// contracts is stopped by the EIP-712 domain, across payers/providers/tokens/lanes by the signed
/// fields, and within a lane by the cumulative counter.
///
/// collectBatch semantics: an entry that is invalid (caller not the provider's operator, malformed
/// signature, unauthorised signer) reverts the whole batch with InvalidBatchEntry(index, selector of the
/// error collect would have raised). An entry that is valid but pays nothing (NothingToCollect,
/// EmptyBalance: e.g. collected earlier, or the payer ran dry) is skipped and reported with
/// CollectSkipped, so one drained payer cannot block everyone else's payment.
contract Escrow is EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice A cumulative payment promise: payer owes the provider `cumulative` in total on `lane`.
    struct Voucher {
        address payer;
        uint256 providerId;
        address token; // address(0) = ETH
        uint64 lane;
        uint256 cumulative;
    }

    bytes32 public constant VOUCHER_TYPEHASH =
        keccak256("Voucher(address payer,uint256 providerId,address token,uint64 lane,uint256 cumulative)");
    /// @notice Upper bound for every time parameter.
    uint256 public constant MAX_DELAY = 365 days;

    /// @dev One slot.
    struct Account {
        uint96 balance;
        uint96 thawing;
        uint40 thawEndsAt;
    }

    error ZeroAmount();
    error ZeroAddress();
    error InvalidParam();
    error ValueOutOfRange();
    error WrongValue(uint256 expected, uint256 sent);
    error TokenNotAccepted(address token, address accepted);
    error ProviderNotActive(uint256 id);
    error ThawExceedsBalance(uint256 amount, uint256 balance);
    error NothingThawing();
    error ThawNotEnded(uint256 thawEndsAt);
    error NotOperator(uint256 id, address caller);
    error BadSignature();
    error UnauthorisedSigner(address signer);
    error NothingToCollect();
    error EmptyBalance();
    error SignerNotAuthorised(address signer);
    error LengthMismatch();
    error EmptyBatch();
    error InvalidBatchEntry(uint256 index, bytes4 reason);
    error EthTransferFailed();

    event Deposited(
        address indexed payer, uint256 indexed providerId, address indexed token, address from, uint256 amount, uint256 balance
    );
    event ThawStarted(
        address indexed payer, uint256 indexed providerId, address indexed token, uint256 amount, uint256 thawEndsAt
    );
    event Withdrawn(
        address indexed payer, uint256 indexed providerId, address indexed token, uint256 amount, uint256 balance
    );
    event Collected(
        address indexed payer,
        uint256 indexed providerId,
        address indexed token,
        uint64 lane,
        uint256 cumulative,
        uint256 paid,
        uint256 collected,
        uint256 balance
    );
    event CollectSkipped(
        address indexed payer, uint256 indexed providerId, address indexed token, uint64 lane, uint256 index, bytes4 reason
    );
    event SignerAuthorised(address indexed payer, address indexed signer);
    event SignerRevocationRequested(address indexed payer, address indexed signer, uint256 revokeAt);

    /// @notice The provider registry.
    IProviderRegistry public immutable registry;
    /// @notice Seconds between `thaw` and `withdraw`.
    uint256 public immutable thawPeriod;
    /// @notice Seconds between `revokeSigner` and the signer's vouchers becoming invalid.
    uint256 public immutable revokeDelay;

    mapping(bytes32 => Account) internal _accounts; // keccak(payer, providerId, token)
    mapping(bytes32 => uint256) internal _collected; // keccak(payer, providerId, token, lane)
    /// @notice Device signer authorisation: 0 = none, else vouchers are valid while block.timestamp < value.
    mapping(address payer => mapping(address signer => uint256)) public signerValidUntil;

    constructor(IProviderRegistry registry_, uint256 thawPeriod_, uint256 revokeDelay_) EIP712("pnmarket Escrow", "1") {
        if (address(registry_) == address(0)) revert ZeroAddress();
        if (thawPeriod_ > MAX_DELAY || revokeDelay_ > MAX_DELAY) revert InvalidParam();
        registry = registry_;
        thawPeriod = thawPeriod_;
        revokeDelay = revokeDelay_;
    }

    // ---------------------------------------------------------------- payer side

    /// @notice Deposits `amount` for the caller with provider `providerId`. For ETH (token = address(0))
    /// msg.value must equal amount; for an ERC-20 approve first and send no ETH.
    function deposit(uint256 providerId, address token, uint256 amount) external payable nonReentrant {
        _deposit(msg.sender, providerId, token, amount);
    }

    /// @notice Deposits on behalf of `payer` (a sponsor pays, the payer owns the balance).
    function depositFor(address payer, uint256 providerId, address token, uint256 amount) external payable nonReentrant {
        if (payer == address(0)) revert ZeroAddress();
        _deposit(payer, providerId, token, amount);
    }

    /// @notice Starts thawing `amount` of the caller's balance; replaces any earlier thaw and restarts the
    /// timer. amount = 0 cancels a thaw. Thawing funds stay collectable until withdrawn.
    function thaw(uint256 providerId, address token, uint256 amount) external {
        bytes32 key = _accountKey(msg.sender, providerId, token);
        Account memory a = _accounts[key];
        if (amount > a.balance) revert ThawExceedsBalance(amount, a.balance);
        uint256 endsAt = amount == 0 ? 0 : block.timestamp + thawPeriod;
        _accounts[key] = Account(a.balance, uint96(amount), uint40(endsAt));
        emit ThawStarted(msg.sender, providerId, token, amount, endsAt);
    }

    /// @notice Pays the thawed amount back to the caller once the thaw period has ended.
    function withdraw(uint256 providerId, address token) external nonReentrant returns (uint256 amount) {
        bytes32 key = _accountKey(msg.sender, providerId, token);
        Account memory a = _accounts[key];
        amount = a.thawing;
        if (amount == 0) revert NothingThawing();
        if (block.timestamp < a.thawEndsAt) revert ThawNotEnded(a.thawEndsAt);
        uint256 balance = a.balance - amount; // thawing <= balance always holds
        _accounts[key] = Account(uint96(balance), 0, 0);
        emit Withdrawn(msg.sender, providerId, token, amount, balance);
        _pay(token, msg.sender, amount);
    }

    /// @notice Authorises a device key to sign vouchers for the caller (cancels a pending revocation).
    function authoriseSigner(address signer) external {
        if (signer == address(0)) revert ZeroAddress();
        signerValidUntil[msg.sender][signer] = type(uint256).max;
        emit SignerAuthorised(msg.sender, signer);
    }

    /// @notice Revokes a device key; its vouchers stay valid for `revokeDelay` seconds so the provider can
    /// still collect what it was already promised.
    function revokeSigner(address signer) external {
        uint256 until = signerValidUntil[msg.sender][signer];
        if (until <= block.timestamp) revert SignerNotAuthorised(signer);
        uint256 revokeAt = block.timestamp + revokeDelay;
        if (revokeAt < until) {
            signerValidUntil[msg.sender][signer] = revokeAt;
        } else {
            revokeAt = until; // a revocation already pending ends sooner
        }
        emit SignerRevocationRequested(msg.sender, signer, revokeAt);
    }

    // ---------------------------------------------------------------- provider side

    /// @notice Collects one voucher; pays the caller, who must be the provider's operator.
    function collect(Voucher calldata v, bytes calldata signature) external nonReentrant returns (uint256 paid) {
        if (registry.operatorOf(v.providerId) != msg.sender) revert NotOperator(v.providerId, msg.sender);
        bytes4 err;
        (paid, err) = _settle(v, signature);
        if (err != bytes4(0)) {
            assembly ("memory-safe") {
                mstore(0, err)
                revert(0, 4)
            }
        }
        _pay(v.token, msg.sender, paid);
    }

    /// @notice Collects many vouchers in one transaction; see the contract notes for skip/revert rules.
    /// Returns the total paid to the caller (summed over tokens).
    function collectBatch(Voucher[] calldata vouchers, bytes[] calldata signatures)
        external
        nonReentrant
        returns (uint256 total)
    {
        uint256 n = vouchers.length;
        if (n != signatures.length) revert LengthMismatch();
        if (n == 0) revert EmptyBatch();
        uint256 checkedId;
        bool checked;
        address token;
        uint256 pending;
        for (uint256 i; i < n; ++i) {
            Voucher calldata v = vouchers[i];
            if (!checked || v.providerId != checkedId) {
                if (registry.operatorOf(v.providerId) != msg.sender) revert InvalidBatchEntry(i, NotOperator.selector);
                (checkedId, checked) = (v.providerId, true);
            }
            (uint256 paid, bytes4 err) = _settle(v, signatures[i]);
            if (err != bytes4(0)) {
                if (err != NothingToCollect.selector && err != EmptyBalance.selector) revert InvalidBatchEntry(i, err);
                emit CollectSkipped(v.payer, v.providerId, v.token, v.lane, i, err);
                continue;
            }
            if (v.token != token) {
                _pay(token, msg.sender, pending);
                (token, pending) = (v.token, 0);
            }
            pending += paid;
            total += paid;
        }
        _pay(token, msg.sender, pending);
    }

    // ---------------------------------------------------------------- views

    /// @notice Balance (thawing part included), thawing amount and thaw end of an account.
    function account(address payer, uint256 providerId, address token)
        external
        view
        returns (uint256 balance, uint256 thawing, uint256 thawEndsAt)
    {
        Account memory a = _accounts[_accountKey(payer, providerId, token)];
        return (a.balance, a.thawing, a.thawEndsAt);
    }

    /// @notice Total collected so far on a lane.
    function collected(address payer, uint256 providerId, address token, uint64 lane) external view returns (uint256) {
        return _collected[_laneKey(payer, providerId, token, lane)];
    }

    /// @notice Whether `signer`'s vouchers for `payer` are valid now.
    function isAuthorisedSigner(address payer, address signer) public view returns (bool) {
        return signer == payer || signerValidUntil[payer][signer] > block.timestamp;
    }

    /// @notice The EIP-712 digest a voucher signature signs.
    function hashVoucher(Voucher calldata v) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(abi.encode(VOUCHER_TYPEHASH, v.payer, v.providerId, v.token, v.lane, v.cumulative))
        );
    }

    /// @notice The EIP-712 domain separator.
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    // ---------------------------------------------------------------- internals

    function _deposit(address payer, uint256 providerId, address token, uint256 amount) internal {
        if (amount == 0) revert ZeroAmount();
        (address accepted, bool active) = registry.depositTerms(providerId);
        if (!active) revert ProviderNotActive(providerId);
        if (token != accepted) revert TokenNotAccepted(token, accepted);
        if (token == address(0)) {
            if (msg.value != amount) revert WrongValue(amount, msg.value);
        } else if (msg.value != 0) {
            revert WrongValue(0, msg.value);
        }
        bytes32 key = _accountKey(payer, providerId, token);
        Account memory a = _accounts[key];
        uint256 balance = uint256(a.balance) + amount;
        if (balance > type(uint96).max) revert ValueOutOfRange();
        _accounts[key] = Account(uint96(balance), a.thawing, a.thawEndsAt);
        if (token != address(0)) IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        emit Deposited(payer, providerId, token, msg.sender, amount, balance);
    }

    /// @dev Verifies and books one voucher. Returns the amount to pay, or a non-zero error selector and
    /// changes nothing. The caller checks the operator and pays out.
    function _settle(Voucher calldata v, bytes calldata signature) internal returns (uint256 paid, bytes4 err) {
        (address signer, ECDSA.RecoverError rerr,) = ECDSA.tryRecoverCalldata(hashVoucher(v), signature);
        if (rerr != ECDSA.RecoverError.NoError) return (0, BadSignature.selector);
        if (signer != v.payer && signerValidUntil[v.payer][signer] <= block.timestamp) {
            return (0, UnauthorisedSigner.selector);
        }
        bytes32 laneKey = _laneKey(v.payer, v.providerId, v.token, v.lane);
        uint256 done = _collected[laneKey];
        if (v.cumulative <= done) return (0, NothingToCollect.selector);
        bytes32 key = _accountKey(v.payer, v.providerId, v.token);
        Account memory a = _accounts[key];
        if (a.balance == 0) return (0, EmptyBalance.selector);
        paid = v.cumulative - done;
        if (paid > a.balance) paid = a.balance;
        uint256 balance = a.balance - paid;
        if (a.thawing > balance) {
            _accounts[key] = Account(uint96(balance), uint96(balance), balance == 0 ? 0 : a.thawEndsAt);
        } else {
            _accounts[key] = Account(uint96(balance), a.thawing, a.thawEndsAt);
        }
        _collected[laneKey] = done + paid;
        _emitCollected(v, paid, done + paid, balance);
    }

    function _emitCollected(Voucher calldata v, uint256 paid, uint256 total, uint256 balance) internal {
        emit Collected(v.payer, v.providerId, v.token, v.lane, v.cumulative, paid, total, balance);
    }

    function _pay(address token, address to, uint256 amount) internal {
        if (amount == 0) return;
        if (token == address(0)) {
            (bool ok,) = to.call{value: amount}("");
            if (!ok) revert EthTransferFailed();
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }

    function _accountKey(address payer, uint256 providerId, address token) internal pure returns (bytes32 k) {
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, payer)
            mstore(add(p, 0x20), providerId)
            mstore(add(p, 0x40), token)
            k := keccak256(p, 0x60)
        }
    }

    function _laneKey(address payer, uint256 providerId, address token, uint64 lane) internal pure returns (bytes32 k) {
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, payer)
            mstore(add(p, 0x20), providerId)
            mstore(add(p, 0x40), token)
            mstore(add(p, 0x60), lane)
            k := keccak256(p, 0x80)
        }
    }
}
