// The inferq dashboard: plain DOM and SVG, no libraries, no inline script (the page's
// Content-Security-Policy allows scripts and styles from this origin only). Every value
// from the API goes into the page as text (textContent), never as markup.
(function () {
  'use strict';

  var KEY = 'inferq.apiKey';
  var REFRESH_MS = 5000;
  var SVG = 'http://www.w3.org/2000/svg';
  var timer = null;

  function $(id) { return document.getElementById(id); }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }

  function svg(tag, attributes) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    return node;
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  function show(node, visible) { node.hidden = !visible; }

  function time(iso) {
    return iso ? new Date(iso).toLocaleTimeString() : '–';
  }

  function millis(ms) {
    if (ms === undefined || ms === null) { return '–'; }
    return ms < 1000 ? ms + ' ms' : (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s';
  }

  function key() { return sessionStorage.getItem(KEY); }

  // Calls the API with the key as a bearer token; rejects with {status, detail}.
  function api(path) {
    return fetch(path, { headers: { 'Authorization': 'Bearer ' + key(), 'Accept': 'application/json' },
      cache: 'no-store' })
      .then(function (response) {
        if (response.status === 401) { signOut('That key was refused (401): check it and try again.'); }
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (!response.ok) {
            return Promise.reject({ status: response.status, detail: body.detail || body.title || response.statusText });
          }
          return body;
        });
      });
  }

  function failure(node, error) {
    node.textContent = (error && error.status ? error.status + ': ' : '') + ((error && error.detail) || String(error));
    show(node, true);
  }

  // --- sign-in -----------------------------------------------------------------------

  function signIn(value) {
    sessionStorage.setItem(KEY, value.trim());
    start();
  }

  function signOut(message) {
    sessionStorage.removeItem(KEY);
    if (timer) { clearInterval(timer); timer = null; }
    show($('board'), false);
    show($('sign-out'), false);
    show($('sign-in'), true);
    $('who').textContent = '';
    var error = $('key-error');
    error.textContent = message || '';
    show(error, !!message);
  }

  function start() {
    show($('sign-in'), false);
    show($('board'), true);
    show($('sign-out'), true);
    var k = key();
    $('who').textContent = 'key ' + k.slice(0, 10) + '…';
    refresh();
    if (timer) { clearInterval(timer); }
    timer = setInterval(refresh, REFRESH_MS);
  }

  function refresh() {
    if (!key()) { return; }
    Promise.all([loadOps(), loadBatches(), loadRecentJobs()]).then(function () {
      $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
    });
  }

  // --- operators' figures --------------------------------------------------------------

  function loadOps() {
    return api('/v1/ops/overview').then(function (ops) {
      show($('ops-error'), false);
      var body = $('queues').tBodies[0];
      clear(body);
      ops.queues.forEach(function (queue) {
        var row = el('tr');
        row.appendChild(el('td', queue.lane));
        row.appendChild(el('td', queue.name, 'id'));
        row.appendChild(el('td', queue.visible, 'num'));
        row.appendChild(el('td', queue.inFlight, 'num'));
        row.appendChild(el('td', queue.delayed, 'num'));
        body.appendChild(row);
      });
      $('dlq-depth').textContent = ops.deadLetter.visible + ops.deadLetter.inFlight + ops.deadLetter.delayed;
      $('dlq-name').textContent = '(' + ops.deadLetter.name + ')';
      renderEndpoints(ops.endpoints);
    }, function (error) { failure($('ops-error'), error); });
  }

  function renderEndpoints(endpoints) {
    var box = $('endpoints');
    if (!endpoints.length) { return; }
    clear(box);
    endpoints.forEach(function (endpoint) {
      var part = el('div', null, 'endpoint');
      part.appendChild(el('h3', endpoint.endpoint));
      var capacity = el('div', null, 'capacity');
      if (endpoint.capacity === undefined) {
        capacity.appendChild(el('span', 'No worker holds a budget for this endpoint now.', 'muted'));
      } else {
        var meter = el('progress');
        meter.max = Math.max(endpoint.capacity, 1);
        meter.value = endpoint.held;
        meter.setAttribute('aria-label', 'shares held of capacity');
        capacity.appendChild(meter);
        capacity.appendChild(el('span', 'held ' + endpoint.held + ' / limit ' + endpoint.limit + ' / capacity '
          + endpoint.capacity, 'held'));
        capacity.appendChild(el('span', 'demand ' + endpoint.demand + ' (in flight + waiting)'));
        capacity.appendChild(el('span', Object.keys(endpoint.workers).length + ' worker(s)', 'muted'));
      }
      part.appendChild(capacity);
      var charts = el('div', null, 'charts');
      var minutes = endpoint.minutes || [];
      charts.appendChild(chart('Jobs ended per minute, last hour', minutes, [
        { label: 'succeeded', css: 's-ok', value: function (m) { return m.succeeded; } },
        { label: 'failed', css: 's-bad', value: function (m) { return m.failed; } },
        { label: 'retried', css: 's-w', value: function (m) { return m.retried; } }
      ], String));
      charts.appendChild(chart('Latency (accepted to ended), last hour', minutes, [
        { label: 'p50', css: 's-a', value: function (m) { return m.p50Millis; } },
        { label: 'p95', css: 's-w', value: function (m) { return m.p95Millis; } }
      ], millis));
      part.appendChild(charts);
      box.appendChild(part);
    });
  }

  // A line chart of one value per minute for each series; gaps where a value is absent.
  function chart(title, minutes, series, format) {
    var W = 600, H = 160, L = 48, R = 8, T = 10, B = 20;
    var figure = el('figure', null, 'chart');
    figure.appendChild(el('figcaption', title));
    var max = 0;
    minutes.forEach(function (m) {
      series.forEach(function (s) { var v = s.value(m); if (v !== undefined && v !== null) { max = Math.max(max, v); } });
    });
    max = max > 0 ? max : 1;
    var plot = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': title });
    plot.appendChild(svg('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'axis' }));
    plot.appendChild(svg('line', { x1: L, y1: T, x2: L, y2: H - B, class: 'axis' }));
    var top = svg('text', { x: L - 4, y: T + 8, 'text-anchor': 'end' });
    top.textContent = format(max);
    plot.appendChild(top);
    var zero = svg('text', { x: L - 4, y: H - B, 'text-anchor': 'end' });
    zero.textContent = '0';
    plot.appendChild(zero);
    var left = svg('text', { x: L, y: H - 4 });
    left.textContent = minutes.length ? time(minutes[0].minute) : '';
    plot.appendChild(left);
    var right = svg('text', { x: W - R, y: H - 4, 'text-anchor': 'end' });
    right.textContent = minutes.length ? time(minutes[minutes.length - 1].minute) : '';
    plot.appendChild(right);
    var step = (W - L - R) / Math.max(minutes.length - 1, 1);
    var colours = { 's-ok': '#2e8b57', 's-bad': '#c0392b', 's-a': '#2f6fdb', 's-w': '#d98e04' };
    series.forEach(function (s) {
      var d = '', pen = 'M';
      minutes.forEach(function (m, i) {
        var v = s.value(m);
        if (v === undefined || v === null) { pen = 'M'; return; }
        var x = L + i * step, y = H - B - (v / max) * (H - B - T);
        d += pen + x.toFixed(1) + ' ' + y.toFixed(1) + ' ';
        pen = 'L';
        if (v > 0) {
          // A dot per minute with figures, so that a lone minute shows too.
          plot.appendChild(svg('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: 2.5, fill: colours[s.css] }));
        }
      });
      if (d) {
        plot.appendChild(svg('path', { d: d, fill: 'none', stroke: colours[s.css], 'stroke-width': 2,
          'data-series': s.label }));
      }
    });
    figure.appendChild(plot);
    var legend = el('div', null, 'legend');
    series.forEach(function (s) {
      var item = el('span');
      item.appendChild(el('span', null, 'sw ' + s.css));
      var latest = null;
      minutes.forEach(function (m) { var v = s.value(m); if (v !== undefined && v !== null) { latest = v; } });
      item.appendChild(document.createTextNode(s.label + (latest !== null ? ' ' + format(latest) : '')));
      legend.appendChild(item);
    });
    figure.appendChild(legend);
    return figure;
  }

  // --- the tenant's batches and jobs ------------------------------------------------------

  function loadBatches() {
    return api('/v1/batches?limit=20').then(function (page) {
      var body = $('batches').tBodies[0];
      clear(body);
      show($('no-batches'), page.batches.length === 0);
      page.batches.forEach(function (batch) {
        var c = batch.counts || {};
        var ended = (c.succeeded || 0) + (c.failed || 0) + (c.cancelled || 0) + (c.expired || 0);
        var row = el('tr');
        row.dataset.batchId = batch.id;
        var id = el('td', batch.id.length > 14 ? batch.id.slice(0, 12) + '…' : batch.id, 'id');
        id.title = batch.id;
        row.appendChild(id);
        row.appendChild(el('td', batch.status, 'status ' + batch.status));
        var cell = el('td');
        var bar = el('progress');
        bar.max = Math.max(batch.total, 1);
        bar.value = ended;
        cell.appendChild(bar);
        cell.appendChild(el('span', ' ' + ended + ' / ' + batch.total, 'progress-text'));
        row.appendChild(cell);
        row.appendChild(el('td', c.succeeded || 0, 'num'));
        row.appendChild(el('td', c.failed || 0, 'num'));
        row.appendChild(el('td', time(batch.createdAt)));
        body.appendChild(row);
      });
    }, function (error) { failure($('no-batches'), error); });
  }

  function loadRecentJobs() {
    return api('/v1/jobs?limit=8').then(function (page) {
      var list = $('recent-jobs');
      clear(list);
      page.jobs.forEach(function (job) {
        var item = el('li');
        var link = el('a', job.id, 'id');
        link.href = '#';
        link.addEventListener('click', function (event) {
          event.preventDefault();
          $('job-id').value = job.id;
          lookUp(job.id);
        });
        item.appendChild(link);
        item.appendChild(el('span', ' ' + job.status, 'status ' + job.status));
        list.appendChild(item);
      });
    }, function () { /* the lookup form still works */ });
  }

  function lookUp(id) {
    show($('job-error'), false);
    return api('/v1/jobs/' + encodeURIComponent(id.trim())).then(function (job) {
      $('job-title').textContent = job.id;
      var status = $('job-status');
      status.textContent = job.status;
      status.className = 'status ' + job.status;
      var timeline = $('timeline');
      clear(timeline);
      timeline.appendChild(el('li', time(job.createdAt) + ' created' + (job.batchId ? ' in batch ' + job.batchId : '')));
      (job.timeline || []).forEach(function (attempt) {
        timeline.appendChild(el('li', time(attempt.startedAt) + ' attempt ' + attempt.attempt + ' started', 'attempt'));
        if (attempt.endedAt) {
          var took = millis(new Date(attempt.endedAt) - new Date(attempt.startedAt));
          var text = time(attempt.endedAt) + ' attempt ' + attempt.attempt + ' ' + attempt.outcome.toLowerCase()
            + ' after ' + took;
          if (attempt.error) { text += ': ' + attempt.error.type + ' – ' + attempt.error.message; }
          timeline.appendChild(el('li', text, attempt.error ? 'attempt error' : 'attempt'));
        }
      });
      if (job.finishedAt) {
        timeline.appendChild(el('li', time(job.finishedAt) + ' ' + job.status.toLowerCase() + ' (took '
          + millis(new Date(job.finishedAt) - new Date(job.createdAt)) + ' in all)', 'finish'));
      }
      show($('job'), true);
    }, function (error) {
      show($('job'), false);
      failure($('job-error'), error);
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('key-form').addEventListener('submit', function (event) {
      event.preventDefault();
      signIn($('api-key').value);
    });
    $('sign-out').addEventListener('click', function () { signOut(); });
    $('job-form').addEventListener('submit', function (event) {
      event.preventDefault();
      lookUp($('job-id').value);
    });
    if (key()) { start(); } else { signOut(); }
  });
}());
