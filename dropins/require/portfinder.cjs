'use strict'
// require('berth-ports/portfinder') returns the portfinder object itself, as require('portfinder') does,
// so `portfinder.basePort = 3000` keeps working. The implementation is bundled by build:lib (dropins/require/build.ts).
module.exports = require('../../dist/cjs/portfinder.cjs').default
