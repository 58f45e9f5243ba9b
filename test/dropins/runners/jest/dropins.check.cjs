// The drop-ins as a CommonJS project's jest tests load them: require() inside jest's vm context.
const { checks } = require('../checks.cjs')

const libs = {
  getPort: require('berth-ports/get-port').default,
  portfinder: require('berth-ports/portfinder'),
  detect: require('berth-ports/detect-port').detect,
  getPortPlease: require('berth-ports/get-port-please'),
}
for (const [name, check] of checks(libs)) test(name, check)
