namespace ActorWss.Http;

/// <summary>
/// The page <see cref="BrowserPage"/> serves. It loads nothing from anywhere (the browser test runs offline) and
/// writes received text with textContent only. Element ids are what tests look for: #status, #message, #send, #log,
/// #burst, #mean; and for the chat (shown when the server has a route at /chat): #chat-room, #chat-name, #chat-join,
/// #chat-status, #chat-message, #chat-send, #chat-log, #chat-members.
/// </summary>
internal static class BrowserPageHtml
{
    public const string Text = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>ActorWss</title>
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
          section { margin-top: 2.5rem; }
          #chat-status { font-weight: bold; }
          #chat-log { list-style: none; padding: 0; margin: 0; max-height: 20rem; overflow-y: auto; border-top: 1px solid #ddd; }
          #chat-log li { padding: .2rem 0; border-bottom: 1px solid #eee; }
          #chat-log .from { font-weight: bold; margin-right: .5rem; }
          #chat-log li.own { color: #555; }
          #chat-log li.notice { color: #777; font-style: italic; }
        </style>
        </head>
        <body data-chat="{{CHAT_PATH}}">
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
        <section id="chat" hidden>
          <h1>Chat</h1>
          <div class="row">
            <label>room <input id="chat-room" type="text" value="lobby" size="12"></label>
            <label>name <input id="chat-name" type="text" size="12"></label>
            <button id="chat-join">join</button>
            <span id="chat-status" data-state="closed">not joined</span>
          </div>
          <div class="row">
            <input id="chat-message" type="text" placeholder="say something to the room" autocomplete="off" disabled>
            <button id="chat-send" disabled>send</button>
          </div>
          <p>in the room: <output id="chat-members">-</output></p>
          <ul id="chat-log"></ul>
        </section>
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

        // ---- chat: /chat?room=ROOM&name=NAME; lines arrive as {"room","from","text"} -------------------------
        const chatPath = document.body.dataset.chat;
        let chat = null;

        function chatLine(text, from, className) {
          const item = document.createElement('li');
          if (className) item.className = className;
          if (from !== null) {
            const who = document.createElement('span');
            who.className = 'from';
            who.textContent = from;
            item.append(who, ' ');
          }
          item.append(document.createTextNode(text));
          const chatLog = $('chat-log');
          chatLog.append(item);
          while (chatLog.children.length > logLimit) chatLog.firstElementChild.remove();
          chatLog.scrollTop = chatLog.scrollHeight;
        }

        function setChatOpen(open, text) {
          $('chat-status').textContent = text;
          $('chat-status').dataset.state = open ? 'open' : 'closed';
          $('chat-message').disabled = !open;
          $('chat-send').disabled = !open;
          $('chat-join').textContent = open ? 'leave' : 'join';
        }

        function joinOrLeave() {
          if (chat !== null) { chat.close(1000, 'left'); return; }
          const room = $('chat-room').value.trim() || 'lobby', name = $('chat-name').value.trim();
          const query = '?members=on&room=' + encodeURIComponent(room) + (name ? '&name=' + encodeURIComponent(name) : '');
          const socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + chatPath + query);
          chat = socket;
          setChatOpen(false, 'joining ' + room);
          socket.onopen = () => { setChatOpen(true, 'in ' + room); chatLine('joined ' + room, null, 'notice'); };
          socket.onclose = event => {
            if (chat === socket) chat = null;
            $('chat-members').textContent = '-';
            setChatOpen(false, 'not joined (' + event.code + ')');
            chatLine('left ' + room + ' (' + event.code + ')', null, 'notice');
          };
          socket.onmessage = event => {
            try {
              const line = JSON.parse(event.data);
              if (Array.isArray(line.members)) $('chat-members').textContent = line.members.join(', ') || '-';
              else chatLine(line.text, line.from + ':');
            } catch (error) {
              chatLine(String(event.data), null, 'notice');
            }
          };
        }

        function sayInChat() {
          const text = $('chat-message').value;
          if (text === '' || chat === null || chat.readyState !== WebSocket.OPEN) return;
          chat.send(text);
          chatLine(text, 'me:', 'own');
          $('chat-message').value = '';
        }

        if (chatPath) {
          $('chat').hidden = false;
          $('chat-join').addEventListener('click', joinOrLeave);
          $('chat-send').addEventListener('click', sayInChat);
          $('chat-message').addEventListener('keydown', event => { if (event.key === 'Enter') sayInChat(); });
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
