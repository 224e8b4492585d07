// A stand-in for the grain and the preview origin, just enough to run the browser runtime against the
// real worker: serves {root}/ like docs/preview.md's URL space and speaks the HMR socket (a minimal
// RFC 6455 server: text frames out, masked text frames in). Test code only; the product's serving is C#.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { fileURLToPath } from "node:url";

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "dist");

export class PreviewServer {
  constructor(dir, worker, root) {
    Object.assign(this, { dir, worker, root });
    this.sockets = new Set();
    this.fromPage = [];
    this.server = http.createServer((req, res) => this.serve(req, res).catch((err) => {
      res.writeHead(500);
      res.end(String(err));
    }));
    this.server.on("upgrade", (req, socket) => this.upgrade(req, socket));
  }

  async start() {
    await new Promise((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${this.server.address().port}${this.root}/`;
    return this.url;
  }

  async stop() {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  async serve(req, res) {
    const url = new URL(req.url, "http://preview");
    const send = (status, type, body) => {
      res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-cache" });
      res.end(body);
    };
    if (!url.pathname.startsWith(this.root + "/")) return send(404, "text/plain", "not found");
    const rel = url.pathname.slice(this.root.length);
    if (rel === "/" || rel === "/index.html") {
      const answer = await this.worker.request({ op: "html", root: this.root, code: this.read("/index.html") });
      return send(200, "text/html", answer.code);
    }
    if (rel.startsWith("/@vibe/")) return send(200, "text/javascript", fs.readFileSync(path.join(dist, path.basename(rel))));
    if (rel.startsWith("/@deps/")) return send(200, "text/javascript", fs.readFileSync(path.join(this.dir, ".vibe/deps", path.basename(rel))));
    if (!fs.existsSync(path.join(this.dir, rel))) return send(404, "text/plain", "not found");
    const raw = rel.endsWith(".css") && !url.searchParams.has("import");
    const answer = await this.worker.request({ op: "transform", root: this.root, path: rel, code: this.read(rel), as: raw ? "css" : "module" });
    if (answer.error) {
      this.send({ type: "error", error: answer.error });
      return send(500, "text/plain", answer.error.message);
    }
    return send(200, raw ? "text/css" : "text/javascript", answer.code);
  }

  read(rel) {
    return fs.readFileSync(path.join(this.dir, rel), "utf8");
  }

  /**
   * What the grain does on an edit, for one file: write, transform, then an error or an update.
   * `link` marks a stylesheet the page loads with <link> (updated by URL, not re-imported).
   */
  async edit(rel, find, replace, { link = false } = {}) {
    const text = this.read(rel);
    if (!text.includes(find)) throw new Error(`${rel} has no ${find}`);
    fs.writeFileSync(path.join(this.dir, rel), text.replace(find, replace));
    const answer = await this.worker.request({ op: "transform", root: this.root, path: rel, code: this.read(rel), as: link ? "css" : "module" });
    if (answer.error) {
      this.send({ type: "error", error: answer.error });
      return answer;
    }
    this.send({ type: "error-cleared" });
    this.send({ type: "update", updates: [{ path: rel, url: this.root + rel + (rel.endsWith(".css") && !link ? "?import" : ""), t: Date.now() }] });
    return answer;
  }

  send(message) {
    // A page that connects after an error (it opened on a broken module) is told about it, as Vite
    // buffers its last error: the socket may open after the failing module was requested.
    if (message.type === "error") this.currentError = message;
    if (message.type === "error-cleared") this.currentError = undefined;
    const data = Buffer.from(JSON.stringify(message));
    const header = data.length < 126
      ? Buffer.from([0x81, data.length])
      : data.length < 65536
        ? Buffer.from([0x81, 126, data.length >> 8, data.length & 255])
        : Buffer.concat([Buffer.from([0x81, 127, 0, 0, 0, 0]), Buffer.from([(data.length >>> 24) & 255, (data.length >>> 16) & 255, (data.length >>> 8) & 255, data.length & 255])]);
    for (const socket of this.sockets) socket.write(Buffer.concat([header, data]));
  }

  /** Closes every HMR socket, as a restarting server would. */
  dropSockets() {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  upgrade(req, socket) {
    if (new URL(req.url, "http://preview").pathname !== `${this.root}/@vibe/hmr`) return socket.destroy();
    const accept = crypto.createHash("sha1").update(req.headers["sec-websocket-key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    this.sockets.add(socket);
    let buffer = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (buffer.length < 2) return;
        let length = buffer[1] & 127;
        let offset = 2;
        if (length === 126) {
          if (buffer.length < 4) return;
          length = buffer.readUInt16BE(2);
          offset = 4;
        } else if (length === 127) {
          if (buffer.length < 10) return;
          length = Number(buffer.readBigUInt64BE(2));
          offset = 10;
        }
        if (buffer.length < offset + 4 + length) return;
        const mask = buffer.subarray(offset, offset + 4);
        const payload = Buffer.from(buffer.subarray(offset + 4, offset + 4 + length)).map((b, i) => b ^ mask[i % 4]);
        const opcode = buffer[0] & 15;
        buffer = buffer.subarray(offset + 4 + length);
        if (opcode === 8) return socket.end();
        if (opcode === 1) this.fromPage.push(JSON.parse(payload.toString("utf8")));
      }
    });
    const forget = () => this.sockets.delete(socket);
    socket.on("close", forget);
    socket.on("error", forget);
    this.send({ type: "connected" });
    if (this.currentError) this.send(this.currentError);
  }
}
