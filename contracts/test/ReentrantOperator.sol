// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Test-only provider operator that fights back
/// @notice A contract operator for the Escrow tests: it forwards arbitrary calls (approve, register,
/// collect) and, when paid in ETH, either tries to re-enter the Escrow with a prepared call (recording
/// the error it gets) or refuses the ETH. Compiled into build/test-combined.json, never deployed for real.
contract ReentrantOperator {
    address public immutable escrow;
    bool public rejectETH;
    bytes public reentryCall;
    bytes4 public reentryError;
    bool public reentered;

    constructor(address escrow_) {
        escrow = escrow_;
    }

    function setRejectETH(bool reject) external {
        rejectETH = reject;
    }

    function setReentryCall(bytes calldata data) external {
        reentryCall = data;
    }

    /// @notice Calls target with data, bubbling up any revert.
    function exec(address target, bytes calldata data) external payable returns (bytes memory ret) {
        bool ok;
        (ok, ret) = target.call{value: msg.value}(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
    }

    receive() external payable {
        if (rejectETH) revert("ReentrantOperator: no ETH");
        if (reentryCall.length == 0) return;
        (bool ok, bytes memory ret) = escrow.call(reentryCall);
        reentered = ok;
        if (!ok && ret.length >= 4) reentryError = bytes4(ret);
    }
}
