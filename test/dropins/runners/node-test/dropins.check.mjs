// The drop-ins as an ESM project's node:test tests load them: import.
import { test } from 'node:test'
import getPort from 'berth-ports/get-port'
import portfinder from 'berth-ports/portfinder'
import { detect } from 'berth-ports/detect-port'
import * as getPortPlease from 'berth-ports/get-port-please'
import checksModule from '../checks.cjs'

for (const [name, check] of checksModule.checks({ getPort, portfinder, detect, getPortPlease })) test(name, check)
