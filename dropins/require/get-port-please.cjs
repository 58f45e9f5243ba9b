'use strict'
// require('berth-ports/get-port-please') has the shape of the original's exports: { getPort, checkPort, waitForPort, ... }.
// The implementation is bundled by build:lib (dropins/require/build.ts).
module.exports = require('../../dist/cjs/get-port-please.cjs')
