'use strict'
// require('berth-ports/get-port') has the shape of the original's exports: { default, portNumbers, clearLockedPorts }.
// The implementation is bundled by build:lib (dropins/require/build.ts).
module.exports = require('../../dist/cjs/get-port.cjs')
