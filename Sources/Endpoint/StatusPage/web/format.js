// How numbers read on the page: pure functions, no DOM.

/** "205.3 / 210 °C", "24.1 °C" when the heater is off. */
export function temperature(reading) {
  if (!reading || typeof reading.actual !== 'number') return '–';
  const actual = reading.actual.toFixed(1);
  if (typeof reading.target === 'number' && reading.target > 0) return actual + ' / ' + Math.round(reading.target) + ' °C';
  return actual + ' °C';
}

/** 3725 → "1 h 2 min", 125 → "2 min 5 s". */
export function duration(seconds) {
  if (typeof seconds !== 'number' || !isFinite(seconds) || seconds < 0) return '';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return h + ' h ' + m + ' min';
  if (m > 0) return m + ' min ' + (s % 60) + ' s';
  return s + ' s';
}

export function percent(fraction) {
  if (typeof fraction !== 'number' || !isFinite(fraction)) return '';
  return (Math.min(Math.max(fraction, 0), 1) * 100).toFixed(1) + ' %';
}

export function bytes(count) {
  if (typeof count !== 'number') return '';
  if (count >= 1 << 20) return (count / (1 << 20)).toFixed(1) + ' MiB';
  if (count >= 1 << 10) return (count / (1 << 10)).toFixed(0) + ' KiB';
  return count + ' B';
}

/** The job states a person reads. */
export function jobState(job) {
  switch (job.state) {
    case 'downloading':
      return job.contentSize > 0 ? 'downloading ' + bytes(job.bytesDownloaded) + ' of ' + bytes(job.contentSize) : 'downloading';
    case 'slicing':
      return job.slicing ? 'slicing: ' + job.slicing.stage + ' (' + percent(job.slicing.progress) + ')' : 'slicing';
    default:
      return job.message && job.message !== job.state ? job.state + ': ' + job.message : job.state;
  }
}
