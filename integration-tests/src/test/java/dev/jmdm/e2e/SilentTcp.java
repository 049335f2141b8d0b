package dev.jmdm.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A stand-in APNs in an outage: it accepts every TCP connection on loopback and then says nothing, not even its part
 * of the TLS handshake, so the server's pushes get no answer, no refusal and no error for as long as they wait.
 */
final class SilentTcp implements AutoCloseable {
    private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final Queue<Socket> accepted = new ConcurrentLinkedQueue<>();

    SilentTcp() throws IOException {
        Thread loop = new Thread(this::acceptForever, "silent-apns");
        loop.setDaemon(true);
        loop.start();
    }

    private void acceptForever() {
        try {
            while (true) {
                accepted.add(listener.accept());
            }
        } catch (IOException closed) {
            // close() ends the loop
        }
    }

    /** {@code https://127.0.0.1:PORT}, for MDM_APNS_URL. */
    String url() {
        return "https://127.0.0.1:" + listener.getLocalPort();
    }

    int connectionsAccepted() {
        return accepted.size();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : accepted) {
            s.close();
        }
    }
}
