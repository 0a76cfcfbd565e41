// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title pnmarket provider registry
/// @notice Providers of push-wakeup relay and mailserver service advertise endpoint, node key, services,
/// capacity and price here, backed by a stake in an ERC-20 stake token.
///
/// Lifecycle: register (active) -> requestExit (exiting: hidden from listings, can still collect in the
/// Escrow) -> withdrawStake once `unbonding` has passed (exited).
///
/// Prices are advertised, not enforced on-chain: clients refuse to sign vouchers above the advertised
/// price. The first price (set at registration) is in force at once; a later `announcePrice` takes
/// effect `priceDelay` seconds after the announcement.
///
/// Every event carries the full provider record (`ProviderInfo`) so that caches never need a view call
/// to apply an event.
contract Registry is ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Service bits.
    uint8 public constant SERVICE_PUSH = 1;
    uint8 public constant SERVICE_STORE = 2;
    uint8 internal constant ALL_SERVICES = SERVICE_PUSH | SERVICE_STORE;

    /// @notice Gateway bits (meaningful for SERVICE_PUSH).
    uint8 public constant GATEWAY_APNS = 1;
    uint8 public constant GATEWAY_FCM = 2;
    uint8 public constant GATEWAY_WEBPUSH = 4;
    uint8 internal constant ALL_GATEWAYS = GATEWAY_APNS | GATEWAY_FCM | GATEWAY_WEBPUSH;

    /// @notice Longest accepted endpoint URL in bytes.
    uint256 public constant MAX_ENDPOINT_LENGTH = 256;
    /// @notice Most records `providers` returns in one page.
    uint256 public constant MAX_PAGE = 100;
    /// @notice Most ids `providers` scans in one call, so a long run of exited providers stays cheap.
    uint256 public constant MAX_SCAN = 1000;
    /// @notice Upper bound for every time parameter; catches unit mistakes (ms for s) at deploy.
    uint256 public constant MAX_DELAY = 365 days;

    /// @notice Prices in token base units.
    struct Price {
        uint256 perKWakeups; // per 1,000 push wakeups
        uint256 perKHistory; // per 1,000 history envelopes served
        uint256 perGBMonth; // per GB-month stored
    }

    /// @notice Arguments of `register`.
    struct RegisterArgs {
        string endpoint; // URL of the node's client API, 1..MAX_ENDPOINT_LENGTH bytes
        bytes nodeKey; // secp256k1 public key, 33 bytes compressed or 65 bytes uncompressed
        uint8 services; // SERVICE_* bits, non-zero
        uint8 gateways; // GATEWAY_* bits, non-zero when SERVICE_PUSH is set
        uint64 capacityWakeupsPerDay; // <= 2^40-1
        uint64 capacityGB; // <= 2^32-1
        Price price; // each <= 2^72-1
        address token; // payment token accepted in the Escrow; address(0) = ETH
        uint256 stake; // stake token amount pulled from the caller, >= minStake, <= 2^96-1
    }

    /// @notice A provider record as returned by views and carried by every event.
    struct ProviderInfo {
        uint256 id;
        address operator; // controls the record and stake, collects in the Escrow
        address token; // payment token accepted; address(0) = ETH
        uint256 stake;
        uint8 services;
        uint8 gateways;
        uint64 capacityWakeupsPerDay;
        uint64 capacityGB;
        Price price; // in force at the block's timestamp
        Price pendingPrice; // announced and not yet in force; zero when none
        uint64 pendingAt; // when pendingPrice takes effect; 0 when none
        uint64 exitAt; // 0 while active; end of unbonding once exit was requested
        bytes nodeKey; // 33-byte compressed form
        string endpoint;
    }

    /// @dev Storage record, packed into five slots plus the endpoint string.
    struct Record {
        // slot 0: read by the Escrow on every collect
        address operator;
        uint96 stake;
        // slot 1: read by the Escrow on every deposit
        address token;
        uint40 exitAt;
        uint32 capacityGB;
        uint8 services;
        uint8 gateways;
        uint8 keyPrefix; // 0x02 or 0x03
        // slot 2: price in force (unless a pending price has come due)
        uint72 perKWakeups;
        uint72 perKHistory;
        uint72 perGBMonth;
        uint40 capacityWakeups;
        // slot 3: announced price
        uint72 pendingPerKWakeups;
        uint72 pendingPerKHistory;
        uint72 pendingPerGBMonth;
        uint40 pendingAt;
        // slot 4
        bytes32 nodeKeyX;
        // slot 5..
        string endpoint;
    }

    error StakeTooLow(uint256 stake, uint256 minStake);
    error NotOperator(uint256 id, address caller);
    error UnknownProvider(uint256 id);
    error ProviderNotActive(uint256 id);
    error NotExiting(uint256 id);
    error Unbonding(uint256 unlockAt);
    error NothingToWithdraw(uint256 id);
    error InvalidNodeKey();
    error InvalidEndpoint();
    error InvalidServices(uint8 services, uint8 gateways);
    error ValueOutOfRange();
    error ZeroAmount();
    error ZeroAddress();
    error InvalidParam();

    event ProviderRegistered(uint256 indexed id, address indexed operator, ProviderInfo provider);
    event ProviderUpdated(uint256 indexed id, ProviderInfo provider);
    event PriceAnnounced(uint256 indexed id, ProviderInfo provider);
    event StakeAdded(uint256 indexed id, address indexed from, uint256 amount, ProviderInfo provider);
    event ExitRequested(uint256 indexed id, ProviderInfo provider);
    event StakeWithdrawn(uint256 indexed id, uint256 amount, ProviderInfo provider);

    /// @notice ERC-20 token in which stake is held.
    IERC20 public immutable stakeToken;
    /// @notice Least stake a provider must register with.
    uint256 public immutable minStake;
    /// @notice Seconds between `announcePrice` and the new price taking effect.
    uint256 public immutable priceDelay;
    /// @notice Seconds between `requestExit` and `withdrawStake`.
    uint256 public immutable unbonding;

    /// @notice Number of providers ever registered; ids are 1..providerCount.
    uint256 public providerCount;
    mapping(uint256 => Record) internal _records;

    constructor(IERC20 stakeToken_, uint256 minStake_, uint256 priceDelay_, uint256 unbonding_) {
        if (address(stakeToken_) == address(0)) revert ZeroAddress();
        if (minStake_ == 0 || minStake_ > type(uint96).max) revert InvalidParam();
        if (priceDelay_ > MAX_DELAY || unbonding_ > MAX_DELAY) revert InvalidParam();
        stakeToken = stakeToken_;
        minStake = minStake_;
        priceDelay = priceDelay_;
        unbonding = unbonding_;
    }

    // ---------------------------------------------------------------- provider actions

    /// @notice Registers the caller as the operator of a new provider and pulls `args.stake` of the
    /// stake token (approve first). Returns the new provider id.
    function register(RegisterArgs calldata args) external nonReentrant returns (uint256 id) {
        if (args.stake < minStake) revert StakeTooLow(args.stake, minStake);
        if (args.stake > type(uint96).max) revert ValueOutOfRange();
        id = ++providerCount;
        Record storage r = _records[id];
        r.operator = msg.sender;
        r.stake = uint96(args.stake);
        r.token = args.token;
        _setPrice(r, args.price);
        _setService(r, args.services, args.gateways, args.capacityWakeupsPerDay, args.capacityGB);
        _setNode(r, args.endpoint, args.nodeKey);
        stakeToken.safeTransferFrom(msg.sender, address(this), args.stake);
        emit ProviderRegistered(id, msg.sender, _info(id, r));
    }

    /// @notice Replaces endpoint, node key, services, gateways and capacity.
    function update(
        uint256 id,
        string calldata endpoint,
        bytes calldata nodeKey,
        uint8 services,
        uint8 gateways,
        uint64 capacityWakeupsPerDay,
        uint64 capacityGB
    ) external {
        Record storage r = _operated(id);
        _setService(r, services, gateways, capacityWakeupsPerDay, capacityGB);
        _setNode(r, endpoint, nodeKey);
        emit ProviderUpdated(id, _info(id, r));
    }

    /// @notice Hands the provider to a new operator key.
    function setOperator(uint256 id, address operator) external {
        Record storage r = _operated(id);
        if (operator == address(0)) revert ZeroAddress();
        r.operator = operator;
        emit ProviderUpdated(id, _info(id, r));
    }

    /// @notice Announces a price that takes effect `priceDelay` seconds from now. A price announced
    /// earlier that has not yet taken effect is replaced.
    function announcePrice(uint256 id, Price calldata price) external {
        Record storage r = _operated(id);
        if (r.exitAt != 0) revert ProviderNotActive(id);
        _promotePending(r);
        if (price.perKWakeups > type(uint72).max || price.perKHistory > type(uint72).max) revert ValueOutOfRange();
        if (price.perGBMonth > type(uint72).max) revert ValueOutOfRange();
        r.pendingPerKWakeups = uint72(price.perKWakeups);
        r.pendingPerKHistory = uint72(price.perKHistory);
        r.pendingPerGBMonth = uint72(price.perGBMonth);
        r.pendingAt = uint40(block.timestamp + priceDelay);
        emit PriceAnnounced(id, _info(id, r));
    }

    /// @notice Adds stake to an active provider, pulled from the caller (anyone may top up).
    function addStake(uint256 id, uint256 amount) external nonReentrant {
        Record storage r = _records[id];
        if (r.services == 0) revert UnknownProvider(id);
        if (r.exitAt != 0) revert ProviderNotActive(id);
        if (amount == 0) revert ZeroAmount();
        uint256 stake = uint256(r.stake) + amount;
        if (stake > type(uint96).max) revert ValueOutOfRange();
        r.stake = uint96(stake);
        stakeToken.safeTransferFrom(msg.sender, address(this), amount);
        emit StakeAdded(id, msg.sender, amount, _info(id, r));
    }

    /// @notice Starts unbonding. The provider leaves the listing at once; its stake can be withdrawn
    /// `unbonding` seconds from now.
    function requestExit(uint256 id) external {
        Record storage r = _operated(id);
        if (r.exitAt != 0) revert ProviderNotActive(id);
        r.exitAt = uint40(block.timestamp + unbonding);
        emit ExitRequested(id, _info(id, r));
    }

    /// @notice Pays the whole stake to the operator once unbonding has ended.
    function withdrawStake(uint256 id) external nonReentrant {
        Record storage r = _operated(id);
        uint256 exitAt = r.exitAt;
        if (exitAt == 0) revert NotExiting(id);
        if (block.timestamp < exitAt) revert Unbonding(exitAt);
        uint256 amount = r.stake;
        if (amount == 0) revert NothingToWithdraw(id);
        r.stake = 0;
        stakeToken.safeTransfer(msg.sender, amount);
        emit StakeWithdrawn(id, amount, _info(id, r));
    }

    // ---------------------------------------------------------------- views

    /// @notice Returns the provider record; reverts UnknownProvider for an unused id.
    function getProvider(uint256 id) external view returns (ProviderInfo memory) {
        Record storage r = _records[id];
        if (r.services == 0) revert UnknownProvider(id);
        return _info(id, r);
    }

    /// @notice Lists active providers by ascending id. `offset` is a cursor: pass 0 for the first page,
    /// then the returned `next`; `next == 0` means the end was reached. A page holds at most
    /// min(limit, MAX_PAGE) records and may be short (even empty) before the end.
    function providers(uint256 offset, uint256 limit) external view returns (ProviderInfo[] memory page, uint256 next) {
        if (limit > MAX_PAGE) limit = MAX_PAGE;
        uint256 count = providerCount;
        uint256 id = offset == 0 ? 1 : offset;
        page = new ProviderInfo[](limit);
        uint256 n;
        uint256 scanned;
        for (; id <= count && n < limit && scanned < MAX_SCAN; ++id) {
            Record storage r = _records[id];
            ++scanned;
            if (r.exitAt == 0) page[n++] = _info(id, r);
        }
        assembly ("memory-safe") {
            mstore(page, n)
        }
        next = id <= count ? id : 0;
    }

    /// @notice The price in force now.
    function currentPrice(uint256 id) external view returns (Price memory) {
        Record storage r = _records[id];
        if (r.services == 0) revert UnknownProvider(id);
        return _effectivePrice(r);
    }

    /// @notice The announced price that is not yet in force, and when it will be (0 when none).
    function pendingPrice(uint256 id) external view returns (Price memory price, uint64 effectiveAt) {
        Record storage r = _records[id];
        if (r.services == 0) revert UnknownProvider(id);
        if (r.pendingAt > block.timestamp) {
            price = Price(r.pendingPerKWakeups, r.pendingPerKHistory, r.pendingPerGBMonth);
            effectiveAt = r.pendingAt;
        }
    }

    /// @notice Operator of a provider; address(0) for an unused id. Used by the Escrow on collect.
    function operatorOf(uint256 id) external view returns (address) {
        return _records[id].operator;
    }

    /// @notice Payment token of a provider and whether it is active. Used by the Escrow on deposit.
    function depositTerms(uint256 id) external view returns (address token, bool active) {
        Record storage r = _records[id];
        if (r.services == 0) revert UnknownProvider(id);
        return (r.token, r.exitAt == 0);
    }

    // ---------------------------------------------------------------- internals

    function _operated(uint256 id) internal view returns (Record storage r) {
        r = _records[id];
        if (r.services == 0) revert UnknownProvider(id);
        if (r.operator != msg.sender) revert NotOperator(id, msg.sender);
    }

    function _setPrice(Record storage r, Price calldata p) internal {
        if (p.perKWakeups > type(uint72).max || p.perKHistory > type(uint72).max) revert ValueOutOfRange();
        if (p.perGBMonth > type(uint72).max) revert ValueOutOfRange();
        r.perKWakeups = uint72(p.perKWakeups);
        r.perKHistory = uint72(p.perKHistory);
        r.perGBMonth = uint72(p.perGBMonth);
    }

    function _setService(Record storage r, uint8 services, uint8 gateways, uint64 capWakeups, uint64 capGB) internal {
        if (
            services == 0 || services & ~ALL_SERVICES != 0 || gateways & ~ALL_GATEWAYS != 0
                || (services & SERVICE_PUSH != 0 && gateways == 0) || (services & SERVICE_PUSH == 0 && gateways != 0)
        ) revert InvalidServices(services, gateways);
        if (capWakeups > type(uint40).max || capGB > type(uint32).max) revert ValueOutOfRange();
        r.services = services;
        r.gateways = gateways;
        r.capacityWakeups = uint40(capWakeups);
        r.capacityGB = uint32(capGB);
    }

    /// @dev Stores the endpoint and the node key in compressed form (prefix byte + X coordinate).
    function _setNode(Record storage r, string calldata endpoint, bytes calldata key) internal {
        uint256 n = bytes(endpoint).length;
        if (n == 0 || n > MAX_ENDPOINT_LENGTH) revert InvalidEndpoint();
        uint8 prefix = key.length == 0 ? 0 : uint8(key[0]);
        bytes32 x;
        if (key.length == 33 && (prefix == 2 || prefix == 3)) {
            x = bytes32(key[1:33]);
        } else if (key.length == 65 && prefix == 4) {
            x = bytes32(key[1:33]);
            prefix = 2 | (uint8(key[64]) & 1); // parity of Y
        } else {
            revert InvalidNodeKey();
        }
        r.keyPrefix = prefix;
        r.nodeKeyX = x;
        r.endpoint = endpoint;
    }

    function _promotePending(Record storage r) internal {
        uint256 due = r.pendingAt;
        if (due != 0 && due <= block.timestamp) {
            r.perKWakeups = r.pendingPerKWakeups;
            r.perKHistory = r.pendingPerKHistory;
            r.perGBMonth = r.pendingPerGBMonth;
        }
    }

    function _effectivePrice(Record storage r) internal view returns (Price memory) {
        uint256 due = r.pendingAt;
        if (due != 0 && due <= block.timestamp) {
            return Price(r.pendingPerKWakeups, r.pendingPerKHistory, r.pendingPerGBMonth);
        }
        return Price(r.perKWakeups, r.perKHistory, r.perGBMonth);
    }

    function _info(uint256 id, Record storage r) internal view returns (ProviderInfo memory p) {
        p.id = id;
        p.operator = r.operator;
        p.token = r.token;
        p.stake = r.stake;
        p.services = r.services;
        p.gateways = r.gateways;
        p.capacityWakeupsPerDay = r.capacityWakeups;
        p.capacityGB = r.capacityGB;
        p.price = _effectivePrice(r);
        if (r.pendingAt > block.timestamp) {
            p.pendingPrice = Price(r.pendingPerKWakeups, r.pendingPerKHistory, r.pendingPerGBMonth);
            p.pendingAt = r.pendingAt;
        }
        p.exitAt = r.exitAt;
        p.nodeKey = abi.encodePacked(r.keyPrefix, r.nodeKeyX);
        p.endpoint = r.endpoint;
    }
}
