// One printer on the page: its card, filled from service.discover and then from the callbacks of 3DP-1
// (printer.status, printer.temperature, job.progress, job.state, queue.changed). Text goes in as text only:
// job names come from content servers.

import * as format from './format.js';
import { TemperaturePlot } from './plot.js';

const ON_PRINTER = ['printing', 'paused'];

export class PrinterCard {
  constructor(template, serviceId, actions) {
    this.serviceId = serviceId;
    this.element = template.content.firstElementChild.cloneNode(true);
    this.element.dataset.serviceId = serviceId;
    this.fields = {};
    for (const node of this.element.querySelectorAll('[data-field]')) this.fields[node.dataset.field] = node;
    this.fields.service.textContent = serviceId;
    this.plot = new TemperaturePlot(this.fields.plot);
    this.job = null;
    this.printerState = null;
    this.queue = [];
    this.thumbnailKey = null;
    this.stopArmedUntil = 0;
    for (const button of this.element.querySelectorAll('[data-action]')) {
      button.addEventListener('click', () => this.act(button.dataset.action, actions));
    }
  }

  /** From service.discover: name, state and whether it is online; all an unpaired browser sees. */
  discovered(service) {
    this.fields.name.textContent = service.name || service.serviceId;
    if (!service.online) this.setState('offline');
    else if (service.state) this.setState(service.state);
  }

  setState(state, detail) {
    this.printerState = state;
    this.fields.state.textContent = state;
    this.fields.state.dataset.state = state;
    this.fields.detail.textContent = detail || '';
    this.fields.detail.hidden = !detail;
    this.showActions();
  }

  /** A printer.status result (the one-shot answer or the callback). */
  status(status) {
    this.setState(status.state, status.stateDetail);
    this.temperatures(status);
    this.showJob(status.job || status.preparing || null);
    const hold = status.queueHold;
    this.fields.hold.hidden = !hold;
    this.fields['hold-text'].textContent = hold ? 'The queue waits: ' + hold + ' ' : '';
  }

  temperatures(reading) {
    const nozzle = reading.nozzles && reading.nozzles.length > 0 ? reading.nozzles[0] : null;
    this.fields.nozzle.textContent = format.temperature(nozzle);
    this.fields.bed.textContent = format.temperature(reading.bed);
    this.plot.add(nozzle, reading.bed);
  }

  /** job.progress: between status callbacks, the numbers of the job shown. */
  progress(update) {
    const numbers = {
      progress: update.progress, confirmedLines: update.confirmedLines, totalLines: update.totalLines,
      bytesDownloaded: update.bytesDownloaded, contentSize: update.contentSize,
    };
    const entry = this.queue.find((job) => job.jobId === update.jobId);
    if (entry) {
      Object.assign(entry, numbers);
      this.showQueue(this.queue);
    }
    if (!this.job || this.job.jobId !== update.jobId) return;
    Object.assign(this.job, numbers);
    this.showJob(this.job);
  }

  /** job.state: the job shown changes state (the status callback that follows brings the rest). */
  jobState(job) {
    if (this.job && this.job.jobId === job.jobId) this.showJob(job.state === 'completed' || job.state === 'cancelled' ? null : job);
    const index = this.queue.findIndex((entry) => entry.jobId === job.jobId);
    if (index >= 0) {
      this.queue[index] = job;
      this.showQueue(this.queue);
    }
  }

  showJob(job) {
    this.job = job;
    const f = this.fields;
    f.job.hidden = !job;
    if (!job) {
      this.showActions();
      return;
    }
    f['job-name'].textContent = job.name || job.jobId;
    f['job-state'].textContent = format.jobState(job);
    f['job-state'].dataset.state = job.state;
    const fraction = job.state === 'downloading' && job.contentSize > 0 ? job.bytesDownloaded / job.contentSize : job.progress;
    f.bar.style.width = (Math.min(Math.max(fraction || 0, 0), 1) * 100).toFixed(1) + '%';
    f.progress.textContent = format.percent(fraction);
    const printing = job.printing;
    f.elapsed.textContent = printing ? format.duration(printing.elapsedSeconds) + ' printing' : '';
    f.remaining.textContent = printing && typeof printing.remainingSeconds === 'number'
      ? format.duration(printing.remainingSeconds) + ' left' : '';
    f.layer.textContent = printing && printing.currentLayer && printing.layerCount
      ? 'layer ' + printing.currentLayer + ' / ' + printing.layerCount : '';
    this.showThumbnail(job);
    this.showActions();
  }

  showThumbnail(job) {
    const thumbnail = job.print && job.print.thumbnail;
    const key = thumbnail ? job.jobId + ':' + thumbnail.base64.length : null;
    if (key === this.thumbnailKey) return;
    this.thumbnailKey = key;
    const image = this.fields.thumbnail;
    if (thumbnail) {
      image.src = 'data:image/png;base64,' + thumbnail.base64;
      image.width = thumbnail.width;
      image.height = thumbnail.height;
    } else {
      image.removeAttribute('src');
    }
    image.hidden = !thumbnail;
  }

  /** queue.list or queue.changed: the jobs still to finish, the one on the printer first. */
  showQueue(jobs) {
    this.queue = jobs.filter((job) => job.order > 0);
    const list = this.fields.queue;
    list.replaceChildren(...this.queue.map((job) => {
      const item = document.createElement('li');
      item.dataset.jobId = job.jobId;
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = job.name || job.jobId;
      const state = document.createElement('span');
      state.className = 'job-state';
      state.textContent = ON_PRINTER.includes(job.state) ? job.state + ' ' + format.percent(job.progress) : format.jobState(job);
      item.append(name, ' ', state);
      return item;
    }));
    this.fields['queue-empty'].hidden = this.queue.length > 0;
  }

  showActions() {
    const state = this.job ? this.job.state : null;
    const onPrinter = ON_PRINTER.includes(state);
    this.button('pause').hidden = !(state === 'printing' && this.printerState === 'printing');
    this.button('resume').hidden = state !== 'paused';
    const stop = this.button('stop');
    stop.hidden = !onPrinter && !['queued', 'downloading', 'slicing', 'ready'].includes(state);
    if (Date.now() > this.stopArmedUntil) stop.textContent = 'Stop';
  }

  button(action) {
    return this.element.querySelector('[data-action="' + action + '"]');
  }

  message(text) {
    this.fields.message.textContent = text || '';
  }

  /** A button: pause, resume and stop the job shown; release the held queue. Stop asks to be pressed twice. */
  async act(action, actions) {
    this.message('');
    const params = this.job && action !== 'release' ? { jobId: this.job.jobId } : { serviceId: this.serviceId };
    if (action === 'stop' && Date.now() > this.stopArmedUntil) {
      this.stopArmedUntil = Date.now() + 4000;
      this.button('stop').textContent = 'Stop the print?';
      setTimeout(() => this.showActions(), 4100);
      return;
    }
    this.stopArmedUntil = 0;
    const method = { pause: 'print.pause', resume: 'print.resume', stop: 'print.stop', release: 'print.resume' }[action];
    try {
      const result = await actions.call(method, params);
      if (result && result.queue) this.showQueue(result.queue);
      if (result && result.job && this.job && result.job.jobId === this.job.jobId) this.showJob(result.job);
    } catch (error) {
      this.message(method + ' failed: ' + error.message + (error.data && typeof error.data === 'string' ? ' (' + error.data + ')' : ''));
    }
  }
}
