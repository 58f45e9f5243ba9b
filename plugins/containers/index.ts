/**
 * containers(): ports published by Docker or Podman containers are busy, with the container
 * named as the reason. An occupancy source, asked once per allocator (at setup); with no daemon
 * it does nothing. `who` and `kill` use the same list to name a port's container.
 */
import type { PortPlugin } from '../../core/types.ts'
import { containerLabel, listContainers, publisherOf, type Container, type ListOptions } from './list.ts'

export { containerLabel, listContainers, publisherOf, type Container, type ContainerList, type PublishedPort } from './list.ts'
export { daemonSockets, type DaemonSocket } from './sockets.ts'

export type ContainersOptions = Omit<ListOptions, 'env'>

/** The reason a published port is skipped: "published by container web-1 (compose shop/web)". */
export const publishedReason = (container: Container) => `published by container ${containerLabel(container)}`

export function containers(options: ContainersOptions = {}): PortPlugin {
  let known: Container[] = []
  return {
    name: 'containers',
    async setup(ctx) {
      const found = await listContainers({ ...options, env: ctx.env })
      known = found.containers
      for (const hint of found.hints) ctx.emit({ type: 'warning', level: 'warn', serviceName: '*', message: hint })
    },
    accept(port) {
      const container = publisherOf(known, port)
      return container ? publishedReason(container) : true
    },
  }
}
