// The live temperature plot of one printer: the last minutes of nozzle and bed, actual (solid) and target
// (dashed), drawn on a canvas. The time axis grows with the readings from one minute to ten, so that a page just
// opened shows a line rather than a dot at its right edge. Points are stamped with the browser's clock when they arrive, so that a board
// whose clock is off still plots the right shape.

const WINDOW_MS = 10 * 60 * 1000;
const SHORTEST_MS = 60 * 1000;
// Firmware reports come every second or two (faster on a simulated clock): one point a second is enough to draw.
const SPACING_MS = 1000;
const COLORS = { nozzle: '#e8590c', bed: '#1c7ed6' };

export class TemperaturePlot {
  constructor(canvas) {
    this.canvas = canvas;
    this.points = [];
    this.scheduled = false;
  }

  add(nozzle, bed, now = Date.now()) {
    const point = {
      t: now,
      nozzle: nozzle ? nozzle.actual : null, nozzleTarget: nozzle ? nozzle.target : null,
      bed: bed ? bed.actual : null, bedTarget: bed ? bed.target : null,
    };
    const last = this.points[this.points.length - 1];
    if (last && now - last.t < SPACING_MS) this.points[this.points.length - 1] = { ...point, t: last.t };
    else this.points.push(point);
    while (this.points.length > 0 && this.points[0].t < now - WINDOW_MS) this.points.shift();
    this.schedule();
  }

  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.draw();
    });
  }

  draw(now = Date.now()) {
    const canvas = this.canvas;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (width === 0 || height === 0) return;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const context = canvas.getContext('2d');
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    canvas.dataset.points = String(this.points.length);

    const style = getComputedStyle(canvas);
    const grid = style.getPropertyValue('--grid').trim() || '#8884';
    const text = style.color;
    const left = 30;
    const top = 6;
    const bottom = height - 16;
    let highest = 60;
    for (const p of this.points) {
      for (const value of [p.nozzle, p.nozzleTarget, p.bed, p.bedTarget]) {
        if (typeof value === 'number' && value > highest) highest = value;
      }
    }
    const ceiling = Math.ceil((highest + 10) / 50) * 50;
    const oldest = this.points.length > 0 ? this.points[0].t : now;
    const span = Math.min(WINDOW_MS, Math.max(SHORTEST_MS, now - oldest));
    const x = (t) => left + (width - left - 2) * (1 - (now - t) / span);
    const y = (value) => bottom - (bottom - top) * (value / ceiling);

    context.font = '10px system-ui, sans-serif';
    context.fillStyle = text;
    context.strokeStyle = grid;
    context.lineWidth = 1;
    context.textAlign = 'right';
    context.textBaseline = 'middle';
    const step = ceiling > 200 ? 100 : 50;
    for (let value = 0; value <= ceiling; value += step) {
      context.beginPath();
      context.moveTo(left, Math.round(y(value)) + 0.5);
      context.lineTo(width, Math.round(y(value)) + 0.5);
      context.stroke();
      context.fillText(String(value), left - 4, y(value));
    }
    context.textAlign = 'left';
    context.textBaseline = 'alphabetic';
    context.fillText('−' + Math.ceil(span / SHORTEST_MS) + ' min', left, height - 3);
    context.textAlign = 'right';
    context.fillText('now', width - 2, height - 3);

    this.line(context, x, y, 'bedTarget', COLORS.bed, true);
    this.line(context, x, y, 'nozzleTarget', COLORS.nozzle, true);
    this.line(context, x, y, 'bed', COLORS.bed, false);
    this.line(context, x, y, 'nozzle', COLORS.nozzle, false);
  }

  line(context, x, y, key, color, dashed) {
    context.save();
    context.strokeStyle = color;
    context.lineWidth = dashed ? 1 : 2;
    context.setLineDash(dashed ? [4, 3] : []);
    context.beginPath();
    let drawing = false;
    for (const p of this.points) {
      const value = p[key];
      if (typeof value !== 'number' || (dashed && value <= 0)) {
        drawing = false;
        continue;
      }
      if (drawing) context.lineTo(x(p.t), y(value));
      else context.moveTo(x(p.t), y(value));
      drawing = true;
    }
    context.stroke();
    context.restore();
  }
}
