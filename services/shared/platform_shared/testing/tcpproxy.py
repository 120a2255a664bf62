"""A TCP forwarder tests put between a client and RabbitMQ to simulate an outage.

``proxy.cut()`` closes every connection and refuses new ones (the broker "goes
down"); ``proxy.restore()`` accepts again. ``proxy.pause()`` keeps the connections but
stops passing bytes either way (a frozen process, a stalled link): what was sent waits,
and arrives when ``proxy.resume()`` is called. Runs in OS threads so it keeps working
while the test's eventlet hub is busy.
"""

from eventlet.patcher import original

_threading = original("threading")
_socket = original("socket")
_select = original("select")
_time = original("time")


class TcpProxy:
    def __init__(self, target_host="127.0.0.1", target_port=5672):
        self.target = (target_host, target_port)
        self.listener = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
        self.listener.setsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self._up = True
        self._paused = False
        self._stopped = False
        self._pairs = []
        self._lock = _threading.Lock()
        _threading.Thread(target=self._accept, daemon=True).start()

    def uri(self, amqp_uri):
        """``amqp_uri`` rewritten to go through this proxy."""
        from urllib.parse import urlparse

        parsed = urlparse(amqp_uri)
        netloc = parsed.netloc.rsplit("@", 1)
        host = f"127.0.0.1:{self.port}"
        return parsed._replace(netloc=f"{netloc[0]}@{host}" if len(netloc) == 2 else host).geturl()

    def _accept(self):
        while not self._stopped:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self._up:
                client.close()
                continue
            try:
                upstream = _socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pairs.append((client, upstream))
            _threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, a, b):
        sockets = [a, b]
        try:
            while True:
                if self._paused:
                    _time.sleep(0.02)
                    if not self._up or self._stopped:
                        break
                    continue
                readable, _, _ = _select.select(sockets, [], [], 0.5)
                if not self._up or self._stopped:
                    break
                if self._paused:
                    continue
                for s in readable:
                    data = s.recv(65536)
                    if not data:
                        raise OSError("closed")
                    (b if s is a else a).sendall(data)
        except OSError:
            pass
        finally:
            for s in sockets:
                try:
                    s.close()
                except OSError:
                    pass

    def cut(self):
        self._up = False
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            for s in pair:
                try:
                    s.shutdown(_socket.SHUT_RDWR)
                    s.close()
                except OSError:
                    pass

    def restore(self):
        self._up = True

    def pause(self):
        self._paused = True

    def resume(self):
        self._paused = False

    def close(self):
        self._stopped = True
        self.cut()
        self.listener.close()
