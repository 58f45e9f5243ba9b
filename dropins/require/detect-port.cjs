'use strict'
// require('berth-ports/detect-port') has detect-port's CommonJS shape: { default, detect, detectPort, waitPort, ... }.
// The implementation is bundled by build:lib (dropins/require/build.ts).
module.exports = require('../../dist/cjs/detect-port.cjs')
