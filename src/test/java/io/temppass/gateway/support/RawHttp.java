package io.temppass.gateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A plain TCP client for requests no HTTP library will send (smuggling, odd request lines, slow
 * headers): writes raw bytes and reads what comes back until the server closes or goes quiet.
 */
public final class RawHttp {
  /**
   * What the server sent, and whether it closed the connection before {@code quietMillis} of
   * silence.
   */
  public record Exchange(String text, boolean closed) {
    public int responses() {
      int n = 0;
      for (int i = text.indexOf("HTTP/1."); i >= 0; i = text.indexOf("HTTP/1.", i + 1)) {
        if (i == 0 || text.startsWith("\r\n", i - 2) || text.charAt(i - 1) == '}') n++;
      }
      return n;
    }

    public int status() {
      return text.length() >= 12 && text.startsWith("HTTP/1.")
          ? Integer.parseInt(text.substring(9, 12))
          : -1;
    }
  }

  private RawHttp() {}

  public static Exchange send(int port, String request, long quietMillis) throws IOException {
    return send(port, request.getBytes(StandardCharsets.ISO_8859_1), quietMillis);
  }

  public static Exchange send(int port, byte[] request, long quietMillis) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout((int) quietMillis);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      return read(socket.getInputStream());
    }
  }

  /** Reads until end of stream (closed) or a read times out (still open). */
  public static Exchange read(InputStream in) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) received.write(buf, 0, n);
      return new Exchange(received.toString(StandardCharsets.UTF_8), true);
    } catch (SocketTimeoutException quiet) {
      return new Exchange(received.toString(StandardCharsets.UTF_8), false);
    } catch (IOException reset) {
      return new Exchange(received.toString(StandardCharsets.UTF_8), true);
    }
  }
}
