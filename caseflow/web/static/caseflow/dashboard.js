// The department head's dashboard, drawn from the dashboard API (/api/dashboard/): the
// page has no figures of its own. Every chart has its numbers in the table beside it.
// Charts by Apache ECharts (vendored, see vendor/echarts/VENDORED.md); tooltips are drawn
// on the canvas (richText), so no inline style is needed under the Content-Security-Policy.
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  if (!root) { return; }
  var labels = JSON.parse(root.dataset.labels);
  var status = document.getElementById("dashboard-status");
  var picker = document.getElementById("year");
  var charts = {};

  function byId(id) { return document.getElementById(id); }

  function setText(id, value) { byId(id).textContent = value; }

  function label(group, key) {
    return (labels[group] && labels[group][key]) || key;
  }

  function rateText(rate) {
    return rate === null || rate === undefined ? labels.none : rate.toFixed(1) + "%";
  }

  function cell(row, value, header) {
    var element = document.createElement(header ? "th" : "td");
    if (header) { element.scope = "row"; }
    element.textContent = value;
    row.appendChild(element);
    return element;
  }

  function fillTable(id, rows) {
    var body = byId(id).querySelector("tbody");
    body.textContent = "";
    rows.forEach(function (values) {
      var row = document.createElement("tr");
      values.forEach(function (value, i) { cell(row, value, i === 0); });
      body.appendChild(row);
    });
  }

  function draw(id, option) {
    if (!window.echarts) { return; }  // the tables still carry every number
    if (!charts[id]) { charts[id] = window.echarts.init(byId(id)); }
    option.aria = { enabled: true };
    option.tooltip = option.tooltip || { trigger: "axis", renderMode: "richText" };
    option.grid = option.grid || { containLabel: true, left: 8, right: 8, top: 36, bottom: 8 };
    charts[id].setOption(option, true);
  }

  // The API names the first cases of a long list and says how many there are.
  function caseLinks(id, numbers, total) {
    var list = byId(id);
    list.textContent = "";
    if (!numbers.length) {
      var none = document.createElement("li");
      none.className = "muted";
      none.textContent = "—";
      list.appendChild(none);
    }
    numbers.forEach(function (number) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = root.dataset.caseUrl.replace("NUMBER", encodeURIComponent(number));
      link.className = "number";
      link.textContent = number;
      item.appendChild(link);
      list.appendChild(item);
    });
    if (total > numbers.length) {
      var more = document.createElement("li");
      more.className = "muted more";
      more.textContent = labels.more.replace("COUNT", total - numbers.length);
      list.appendChild(more);
    }
  }

  function onTime(data) {
    var onTimeCount = 0, late = 0;
    data.on_time_by_month.forEach(function (m) { onTimeCount += m.on_time; late += m.late; });
    var total = onTimeCount + late;
    setText("figure-on-time",
            total ? (Math.round(1000 * onTimeCount / total) / 10).toFixed(1) + "%" : labels.none);
    setText("figure-on-time-counts", total ? onTimeCount + " / " + total : "");
    fillTable("table-on-time", data.on_time_by_month.map(function (m) {
      return [labels.months[m.month - 1], m.on_time, m.late, rateText(m.rate)];
    }));
    draw("chart-on-time", {
      legend: { top: 0 },
      xAxis: { type: "category", data: labels.months },
      yAxis: [{ type: "value", minInterval: 1 }, { type: "value", max: 100 }],
      series: [
        { name: labels.onTime, type: "bar", stack: "cases",
          data: data.on_time_by_month.map(function (m) { return m.on_time; }) },
        { name: labels.late, type: "bar", stack: "cases",
          data: data.on_time_by_month.map(function (m) { return m.late; }) },
        { name: labels.rate, type: "line", yAxisIndex: 1, connectNulls: false,
          data: data.on_time_by_month.map(function (m) { return m.rate; }) }
      ]
    });
  }

  function stages(data) {
    var kinds = Object.keys(data.open_by_kind_and_state);
    var states = [];
    kinds.forEach(function (kind) {
      Object.keys(data.open_by_kind_and_state[kind]).forEach(function (state) {
        if (states.indexOf(state) < 0) { states.push(state); }
      });
    });
    var table = byId("table-stages");
    var head = table.querySelector("thead");
    head.textContent = "";
    var headRow = document.createElement("tr");
    [labels.stage].concat(kinds.map(function (k) { return label("kinds", k); }))
      .forEach(function (text) {
        var th = document.createElement("th");
        th.scope = "col";
        th.textContent = text;
        headRow.appendChild(th);
      });
    head.appendChild(headRow);
    fillTable("table-stages", states.map(function (state) {
      return [label("states", state)].concat(kinds.map(function (kind) {
        return data.open_by_kind_and_state[kind][state] || 0;
      }));
    }));
    draw("chart-stages", {
      legend: { top: 0 },
      xAxis: { type: "category", data: states.map(function (s) { return label("states", s); }),
               axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", minInterval: 1 },
      series: kinds.map(function (kind) {
        return { name: label("kinds", kind), type: "bar", stack: "open",
                 data: states.map(function (s) { return data.open_by_kind_and_state[kind][s] || 0; }) };
      })
    });
  }

  function load(data) {
    var names = data.load_by_handler.map(function (h) { return h.name || labels.unassigned; });
    fillTable("table-load", data.load_by_handler.map(function (h, i) {
      return [names[i], h.open, h.overdue];
    }));
    draw("chart-load", {
      legend: { top: 0 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: names, inverse: true },
      series: [
        { name: labels.open, type: "bar", data: data.load_by_handler.map(function (h) { return h.open; }) },
        { name: labels.overdue, type: "bar", data: data.load_by_handler.map(function (h) { return h.overdue; }) }
      ]
    });
  }

  function notifications(data) {
    var statuses = Object.keys(data.notifications_by_status);
    fillTable("table-notifications", statuses.map(function (s) {
      return [label("statuses", s), data.notifications_by_status[s]];
    }));
    draw("chart-notifications", {
      tooltip: { trigger: "item", renderMode: "richText" },
      series: [{ type: "pie", radius: ["35%", "65%"],
                 data: statuses.map(function (s) {
                   return { name: label("statuses", s), value: data.notifications_by_status[s] };
                 }) }]
    });
  }

  function show(data) {
    setText("figure-overdue", data.overdue_total);
    setText("figure-due-soon", data.due_within_two_working_days_total);
    setText("figure-median-acceptance", data.median_working_days_to_acceptance === null
            ? "—" : data.median_working_days_to_acceptance);
    setText("figure-median-closure", data.median_working_days_to_closure === null
            ? "—" : data.median_working_days_to_closure);
    caseLinks("list-overdue", data.overdue, data.overdue_total);
    caseLinks("list-due-soon", data.due_within_two_working_days,
              data.due_within_two_working_days_total);
    onTime(data);
    stages(data);
    load(data);
    notifications(data);
  }

  function statistics(data) {
    var rows = [[labels.total, data.total]];
    Object.keys(data.by_kind).forEach(function (kind) {
      rows.push([label("kinds", kind), data.by_kind[kind]]);
    });
    rows.push([labels.acceptanceOnTime, data.acceptance_on_time],
              [labels.acceptanceLate, data.acceptance_late],
              [labels.acceptancePending, data.acceptance_pending]);
    fillTable("table-statistics", rows);
  }

  function reports(year) {
    function url(name) { return root.dataset[name].replace("{year}", year); }
    byId("report-disclosure").href = url("disclosureUrl");
    byId("report-disclosure-final").href = url("disclosureUrl") + "?final=true";
    byId("report-self-check").href = url("selfCheckUrl");
    document.querySelector(".report-year").textContent = year;
  }

  function getJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      });
  }

  var asked = 0;  // only the latest year asked for is shown, whichever answer comes last

  function refresh() {
    var year = picker.value;
    var ask = ++asked;
    root.setAttribute("aria-busy", "true");
    reports(year);
    Promise.all([
      getJson(root.dataset.url + "?year=" + encodeURIComponent(year)),
      getJson(root.dataset.statisticsUrl.replace("{year}", year))
    ]).then(function (answers) {
      if (ask !== asked) { return; }
      show(answers[0]);
      statistics(answers[1]);
      status.textContent = "";
      root.dataset.year = year;  // the figures on the page are this year's
      root.setAttribute("aria-busy", "false");
    }).catch(function () {
      if (ask !== asked) { return; }
      status.textContent = labels.failed;
      root.setAttribute("aria-busy", "false");
    });
  }

  picker.addEventListener("change", refresh);
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (id) { charts[id].resize(); });
  });
  refresh();
})();
