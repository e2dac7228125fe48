/**
 * Broadcast topics for transports without native publish (both TCP bridges
 * and the Node shim's `ws` server): the same topics, one per view class and
 * codec, that Bun's WebSocket server fans out natively; each member is sent
 * the one encoded frame.
 * Runtime-agnostic.
 */
import type { WireFrame } from "../protocol/codec.ts";
import type { Connection, Publisher } from "../runtime.ts";

export class TopicFanout implements Publisher {
  private readonly topics = new Map<string, Set<Connection>>();

  subscribe(topic: string, conn: Connection): void {
    let members = this.topics.get(topic);
    if (!members) this.topics.set(topic, (members = new Set()));
    members.add(conn);
  }

  unsubscribe(topic: string, conn: Connection): void {
    const members = this.topics.get(topic);
    if (!members) return;
    members.delete(conn);
    if (members.size === 0) this.topics.delete(topic);
  }

  /** Removes a closed connection from every topic. */
  drop(conn: Connection): void {
    for (const topic of [...this.topics.keys()]) this.unsubscribe(topic, conn);
  }

  publish(topic: string, frame: WireFrame): void {
    const members = this.topics.get(topic);
    if (members) for (const conn of members) conn.send(frame);
  }
}
