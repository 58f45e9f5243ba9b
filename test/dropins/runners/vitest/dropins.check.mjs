// The drop-ins as an ESM project's vitest tests load them: import, through vitest's module graph.
import { test } from 'vitest'
import getPort from 'berth-ports/get-port'
import portfinder from 'berth-ports/portfinder'
import { detect } from 'berth-ports/detect-port'
import * as getPortPlease from 'berth-ports/get-port-please'
import checksModule from '../checks.cjs'

for (const [name, check] of checksModule.checks({ getPort, portfinder, detect, getPortPlease })) test(name, check)
