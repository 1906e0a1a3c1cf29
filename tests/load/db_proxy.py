"""A TCP proxy between the product's processes and PostgreSQL that the test can cut.

`cut()` drops every open connection and, until `restore()`, accepts new ones only to close them
at once: to the web server and the worker it looks like a database that went away.
"""

import contextlib
import socket
import threading


class DatabaseProxy:
    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.open_sockets = set()
        self.is_cut = False
        self.refused = 0
        self.closing = False
        self.thread = threading.Thread(target=self.accept_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.closing = True
        self.drop_all()
        with contextlib.suppress(OSError):
            self.listener.close()

    def cut(self):
        with self.lock:
            self.is_cut = True
        self.drop_all()

    def restore(self):
        with self.lock:
            self.is_cut = False

    def drop_all(self):
        with self.lock:
            sockets, self.open_sockets = self.open_sockets, set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

    def accept_forever(self):
        while not self.closing:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                is_cut = self.is_cut
            if is_cut:
                self.refused += 1
                client.close()
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self.lock:
                self.open_sockets.update((client, server))
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=pipe, args=(source, sink), daemon=True).start()


def pipe(source, sink):
    try:
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    except OSError:
        pass
    finally:
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
