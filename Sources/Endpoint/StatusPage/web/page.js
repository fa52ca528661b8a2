// The status page: finds the printers, pairs the browser as a Manager pairs (a code on the printer's display,
// typed here), keeps the access token in this browser, and then follows the printers on the 3DP-1 WebSocket.

import { post, Session, RPCError, codes } from './rpc.js';
import { PrinterCard } from './printer-card.js';

const TOKEN_KEY = '3dp-agent.accessToken';
const CLIENT_KEY = '3dp-agent.clientId';
const $ = (id) => document.getElementById(id);

const cards = new Map();
let session = null;
let retryDelay = 1000;
let retryTimer = null;
let discoveryTimer = null;

function storedToken() {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function connection(state, text) {
  const badge = $('connection');
  badge.dataset.state = state;
  badge.textContent = text;
}

function notice(text) {
  $('notice').textContent = text || '';
}

/** Cards for the printers service.discover lists, in its order; cards of printers gone are removed. */
function showDiscovery(result) {
  $('agent-name').textContent = result.agent.name;
  document.title = result.agent.name;
  const seen = new Set();
  const container = $('printers');
  for (const service of result.services) {
    seen.add(service.serviceId);
    let card = cards.get(service.serviceId);
    if (!card) {
      card = new PrinterCard($('printer-template'), service.serviceId, { call: (method, params) => session ? session.call(method, params) : Promise.reject(new Error('not connected')) });
      cards.set(service.serviceId, card);
    }
    card.discovered(service);
    container.append(card.element);
  }
  for (const [serviceId, card] of cards) {
    if (!seen.has(serviceId)) {
      card.element.remove();
      cards.delete(serviceId);
    }
  }
  if (result.services.length === 0) notice('No printer is configured on this agent.');
}

function showPaired(paired) {
  document.body.classList.toggle('paired', paired);
  $('pairing').hidden = paired;
  $('forget').hidden = !paired;
  let clientId = null;
  try {
    clientId = localStorage.getItem(CLIENT_KEY);
  } catch {
    clientId = null;
  }
  $('paired-as').textContent = paired ? 'This browser is paired' + (clientId ? ' as ' + clientId : '') + '.' : '';
}

/** Unpaired: the open service.discover over HTTP, again every few seconds, is all there is to show. */
async function discoverWithoutToken() {
  clearTimeout(discoveryTimer);
  if (storedToken()) return;
  try {
    showDiscovery(await post('service.discover'));
    connection('unpaired', 'not paired');
    notice('');
  } catch (error) {
    connection('offline', 'agent unreachable');
    // An answer that is a refusal (this page reached through a name that is not the board's) says why.
    if (error instanceof RPCError) notice('The agent refused: ' + error.message);
  }
  discoveryTimer = setTimeout(discoverWithoutToken, 5000);
}

function callback(topic, result) {
  const card = result && cards.get(result.serviceId);
  if (!card) return;
  switch (topic) {
    case 'printer.status': card.status(result); break;
    case 'printer.temperature': card.temperatures(result); break;
    case 'job.progress': card.progress(result); break;
    case 'job.state': card.jobState(result.job); break;
    case 'queue.changed': card.showQueue(result.queue); break;
    case 'printer.error': card.message(result.message); break;
    case 'printer.message': if (result.kind !== 'action') card.message(result.text); break;
  }
}

function forget(why) {
  try {
    localStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(CLIENT_KEY);
  } catch {
    // Storage refused: nothing was kept.
  }
  if (session) session.close();
  session = null;
  clearTimeout(retryTimer);
  showPaired(false);
  $('pair-message').textContent = why || '';
  discoverWithoutToken();
}

function scheduleReconnect() {
  clearTimeout(retryTimer);
  connection('offline', 'reconnecting…');
  retryTimer = setTimeout(connect, retryDelay);
  retryDelay = Math.min(retryDelay * 2, 15000);
}

/** Paired: the WebSocket, authenticated by its first message; then discovery, every topic, and the queues. */
async function connect() {
  const token = storedToken();
  if (!token) return discoverWithoutToken();
  showPaired(true);
  connection('offline', 'connecting…');
  const current = new Session({
    onCallback: callback,
    onClose: (code, reason) => {
      if (session !== current) return;
      session = null;
      if (code === 1008 && /revoked/i.test(reason)) forget('The agent revoked this browser\'s pairing: pair again.');
      else scheduleReconnect();
    },
  });
  session = current;
  try {
    await current.open(token);
    showDiscovery(await current.call('service.discover'));
    await current.call('events.subscribe', {});
    const queue = await current.call('queue.list', {});
    for (const card of cards.values()) card.showQueue(queue.jobs.filter((job) => job.serviceId === card.serviceId));
    retryDelay = 1000;
    connection('online', 'live');
    notice('');
  } catch (error) {
    if (error instanceof RPCError && [codes.authenticationFailed, codes.authenticationDenied].includes(error.code)) {
      forget('The agent no longer knows this browser\'s token: pair again.');
    } else if (session === current && current.socket) {
      notice('The agent did not answer as expected: ' + error.message);
      current.close();
      session = null;
      scheduleReconnect();
    }
  }
}

async function beginPairing() {
  const message = $('pair-message');
  message.textContent = '';
  try {
    const result = await post('pairing.begin', { clientName: 'Status page in a browser' });
    $('pair-form').hidden = false;
    $('pair-code').value = '';
    $('pair-code').focus();
    message.textContent = result.displayedOn.length > 0
      ? 'The code is on the display of ' + result.displayedOn.map(printerName).join(', ') + ' for '
        + Math.round(result.expiresInSeconds / 60) + ' minutes.'
      : 'No printer could show the code: it is in the agent\'s log.';
  } catch (error) {
    message.textContent = describePairingError(error);
  }
}

async function completePairing(event) {
  event.preventDefault();
  const message = $('pair-message');
  const code = $('pair-code').value.trim();
  if (!/^[0-9]{6}$/.test(code)) {
    message.textContent = 'The code has 6 digits.';
    return;
  }
  try {
    const result = await post('pairing.complete', { code, clientName: 'Status page in a browser' });
    try {
      localStorage.setItem(TOKEN_KEY, result.accessToken);
      localStorage.setItem(CLIENT_KEY, result.clientId);
    } catch {
      message.textContent = 'This browser does not let the page keep its token (private mode?).';
      return;
    }
    clearTimeout(discoveryTimer);
    $('pair-form').hidden = true;
    message.textContent = '';
    connect();
  } catch (error) {
    message.textContent = describePairingError(error);
  }
}

function printerName(serviceId) {
  const card = cards.get(serviceId);
  return card ? card.fields.name.textContent : serviceId;
}

function describePairingError(error) {
  if (!(error instanceof RPCError)) return 'The agent could not be reached: ' + error.message;
  const data = error.data || {};
  if (error.code === codes.authenticationDenied && typeof data.attemptsLeft === 'number') {
    return 'Wrong code: ' + data.attemptsLeft + ' more wrong codes lock pairing for a minute.';
  }
  if (error.code === codes.pairingLocked) return 'Pairing is locked; try again in ' + (data.retryAfterSeconds || 60) + ' s.';
  if (error.code === codes.pairingExpired) return 'The code expired: show a new one.';
  return error.message + (typeof data === 'string' ? ': ' + data : data.reason ? ': ' + data.reason : '');
}

$('pair-begin').addEventListener('click', beginPairing);
$('pair-form').addEventListener('submit', completePairing);
$('forget').addEventListener('click', () => forget(''));
// The plots scroll with time even while no reading comes.
setInterval(() => { for (const card of cards.values()) card.plot.draw(); }, 1000);
window.addEventListener('resize', () => { for (const card of cards.values()) card.plot.draw(); });
if (storedToken()) connect();
else {
  showPaired(false);
  discoverWithoutToken();
}
