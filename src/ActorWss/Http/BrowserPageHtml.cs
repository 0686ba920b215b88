namespace ActorWss.Http;

/// <summary>
/// The page <see cref="BrowserPage"/> serves. It loads nothing from anywhere (the browser test runs offline) and
/// writes received text with textContent only. Element ids are what tests look for: #status, #message, #send, #log,
/// #burst, #mean.
/// </summary>
internal static class BrowserPageHtml
{
    public const string Text = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>ActorWss echo</title>
        <style>
          body { font: 15px/1.4 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
          h1 { font-size: 1.3rem; margin-bottom: .3rem; }
          code { font-size: .9em; }
          #status { font-weight: bold; }
          #status[data-state="open"] { color: #15803d; }
          #status[data-state="closed"], #status[data-state="error"] { color: #b91c1c; }
          .row { display: flex; gap: .5rem; margin: 1rem 0; align-items: center; }
          #message { flex: 1; padding: .4rem; font: inherit; }
          button { padding: .4rem .8rem; font: inherit; }
          #log { list-style: none; padding: 0; margin: 0; font-family: ui-monospace, monospace; max-height: 24rem; overflow-y: auto; border-top: 1px solid #ddd; }
          #log li { padding: .2rem 0; border-bottom: 1px solid #eee; display: flex; justify-content: space-between; gap: 1rem; }
          #log li.failed { color: #b91c1c; }
          .rtt { color: #555; white-space: nowrap; }
        </style>
        </head>
        <body>
        <h1>ActorWss echo</h1>
        <p><code id="url"></code>: <span id="status" data-state="connecting">connecting</span>
          <button id="reconnect" hidden>reconnect</button></p>
        <div class="row">
          <input id="message" type="text" placeholder="a message to echo" autocomplete="off" autofocus>
          <button id="send" disabled>send</button>
        </div>
        <div class="row">
          <button id="burst" disabled>send 100 messages</button>
          <span>mean round trip: <output id="mean">-</output></span>
        </div>
        <ul id="log"></ul>
        <script>
        'use strict';
        const $ = id => document.getElementById(id);
        const status = $('status'), input = $('message'), send = $('send'), burst = $('burst'), mean = $('mean'), log = $('log');
        const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/';
        const burstSize = 100, logLimit = 200;
        // The server echoes in order, so each echo belongs to the oldest message still waiting.
        const pending = [];
        let socket = null, bursting = false;

        function setStatus(text) {
          status.textContent = text;
          status.dataset.state = text.split(' ')[0];
          refresh();
        }

        function refresh() {
          const open = socket !== null && socket.readyState === WebSocket.OPEN;
          send.disabled = !open;
          burst.disabled = !open || bursting;
          $('reconnect').hidden = socket === null || socket.readyState !== WebSocket.CLOSED;
        }

        function connect() {
          socket = new WebSocket(url);
          setStatus('connecting');
          socket.onopen = () => setStatus('open');
          socket.onerror = () => setStatus('error');
          socket.onclose = event => {
            setStatus('closed (' + event.code + ')');
            while (pending.length > 0) pending.shift().reject(new Error('connection closed'));
          };
          socket.onmessage = event => {
            const waiting = pending.shift();
            if (waiting) waiting.resolve({ text: event.data, ms: performance.now() - waiting.sent });
          };
        }

        function roundTrip(text) {
          return new Promise((resolve, reject) => {
            pending.push({ sent: performance.now(), resolve, reject });
            socket.send(text);
          });
        }

        function addLog(text, detail, failed) {
          const item = document.createElement('li');
          if (failed) item.className = 'failed';
          const body = document.createElement('span');
          body.className = 'text';
          body.textContent = text;
          const rtt = document.createElement('span');
          rtt.className = 'rtt';
          rtt.textContent = detail;
          item.append(body, rtt);
          log.append(item);
          while (log.children.length > logLimit) log.firstElementChild.remove();
          log.scrollTop = log.scrollHeight;
        }

        async function sendTyped() {
          const text = input.value;
          if (text === '' || send.disabled) return;
          input.value = '';
          try {
            const echo = await roundTrip(text);
            addLog(echo.text, echo.ms.toFixed(2) + ' ms');
          } catch (error) {
            addLog(text, error.message, true);
          }
        }

        async function runBurst() {
          bursting = true;
          refresh();
          mean.textContent = 'running';
          let total = 0;
          try {
            for (let i = 0; i < burstSize; i++) {
              const text = 'burst message ' + i;
              const echo = await roundTrip(text);
              if (echo.text !== text) throw new Error('echo ' + i + ' differs from what was sent');
              total += echo.ms;
            }
            mean.textContent = (total / burstSize).toFixed(2) + ' ms';
            addLog(burstSize + ' messages, one at a time', 'mean ' + mean.textContent);
          } catch (error) {
            mean.textContent = 'failed';
            addLog(burstSize + ' messages', error.message, true);
          } finally {
            bursting = false;
            refresh();
          }
        }

        $('url').textContent = url;
        send.addEventListener('click', sendTyped);
        input.addEventListener('keydown', event => { if (event.key === 'Enter') sendTyped(); });
        burst.addEventListener('click', runBurst);
        $('reconnect').addEventListener('click', connect);
        connect();
        </script>
        </body>
        </html>
        """;
}
