// The 3DP-1 transports as any Manager uses them: HTTP POST for the open methods an unpaired browser may call
// (discovery and pairing), and the WebSocket, authenticated by its first message, for everything else.

const RPC_PATH = '/3dp/v1/rpc';
const WS_PATH = '/3dp/v1/ws';
let nextId = 1;

function request(method, params) {
  return { jsonrpc: '2.0', dwapiversion: '1.0', id: 'page-' + nextId++, method, params: params || {} };
}

/** A JSON-RPC error as an exception: `code` and `data` as the agent sent them. */
export class RPCError extends Error {
  constructor(error) {
    super(error.message || 'error ' + error.code);
    this.code = error.code;
    this.data = error.data;
  }
}

export const codes = {
  privilegeNotGranted: 0xF0000001,
  authenticationFailed: 0xF0000002,
  authenticationDenied: 0xF0000003,
  pairingLocked: 0x2D000501,
  pairingExpired: 0x2D000502,
};

/** One request over HTTP; relative, so it goes to the agent that served the page, http or https alike. */
export async function post(method, params) {
  const response = await fetch(RPC_PATH, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(request(method, params)),
    cache: 'no-store',
  });
  const answer = await response.json();
  if (answer.error) throw new RPCError(answer.error);
  return answer.result;
}

/** The page's WebSocket: requests answered by id, callbacks handed to `onCallback`, `onClose` when it ends. */
export class Session {
  constructor({ onCallback, onClose }) {
    this.onCallback = onCallback;
    this.onClose = onClose;
    this.pending = new Map();
    this.socket = null;
  }

  /** Opens the socket and authenticates with `token`; resolves with `session.authenticate`'s result. */
  open(token) {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(scheme + '//' + location.host + WS_PATH);
    this.socket = socket;
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = (event) => {
      for (const { reject } of this.pending.values()) reject(new Error('the connection closed'));
      this.pending.clear();
      if (this.socket === socket) {
        this.socket = null;
        this.onClose(event.code, event.reason);
      }
    };
    return new Promise((resolve, reject) => {
      socket.onopen = () => this.call('session.authenticate', { accessToken: token }).then(resolve, reject);
      socket.onerror = () => reject(new Error('the agent could not be reached'));
    });
  }

  close() {
    const socket = this.socket;
    this.socket = null;
    if (socket) socket.close(1000, 'page closed');
  }

  call(method, params) {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new Error('not connected to the agent'));
    }
    const message = request(method, params);
    return new Promise((resolve, reject) => {
      this.pending.set(message.id, { resolve, reject });
      this.socket.send(JSON.stringify(message));
    });
  }

  receive(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.callbackId) {
      this.onCallback(message.callbackId, message.result);
      return;
    }
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    if (message.error) waiting.reject(new RPCError(message.error));
    else waiting.resolve(message.result);
  }
}
