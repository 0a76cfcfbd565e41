// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title Test token for development and tests
/// @notice An 18-decimal ERC-20 that anyone can mint. Stands in for SNT (stake) and for an ERC-20 payment
/// token on dev and simulated chains. Never deploy it where its value matters.
contract TestToken is ERC20 {
    constructor() ERC20("pnmarket Test Token", "PNT") {}

    /// @notice Mints `amount` to `to`. Unrestricted on purpose.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
