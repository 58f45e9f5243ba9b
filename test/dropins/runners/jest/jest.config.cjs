// A CommonJS project's jest setup: node environment, no transform, require('berth-ports/...').
module.exports = { testEnvironment: 'node', transform: {}, testMatch: ['**/dropins.check.cjs'], cache: false }
