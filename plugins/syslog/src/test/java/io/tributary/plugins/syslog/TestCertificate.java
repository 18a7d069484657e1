package io.tributary.plugins.syslog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate for 127.0.0.1 made with the JDK's keytool, self-signed or signed by an authority made
 * so too, as PEM files and as a client's SSLContext.
 */
final class TestCertificate {
    private static final char[] PASSWORD = "changeit".toCharArray();

    final Path certPem;
    final Path keyPem;
    private final String alias;
    private final Path keyStoreFile;
    private final KeyStore keyStore;

    private TestCertificate(String alias, Path keyStoreFile, Path certPem, Path keyPem, KeyStore keyStore) {
        this.alias = alias;
        this.keyStoreFile = keyStoreFile;
        this.certPem = certPem;
        this.keyPem = keyPem;
        this.keyStore = keyStore;
    }

    /** A self-signed certificate for {@code name}. */
    static TestCertificate create(Path dir, String name) throws Exception {
        Path keyStoreFile = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", keyStoreFile.toString());
        return load(dir, name, keyStoreFile);
    }

    /** A self-signed certificate authority, to {@link #issue} certificates with. */
    static TestCertificate createAuthority(Path dir, String name) throws Exception {
        Path keyStoreFile = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-ext", "bc:c", "-validity", "2", "-keystore", keyStoreFile.toString());
        return load(dir, name, keyStoreFile);
    }

    /** A certificate for {@code name} signed by this authority; its key store holds the chain up to this one. */
    TestCertificate issue(Path dir, String name) throws Exception {
        Path issuedKeyStore = dir.resolve(name + ".p12");
        Path request = dir.resolve(name + ".csr");
        Path signed = dir.resolve(name + "-signed.pem");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-validity", "2", "-keystore", issuedKeyStore.toString());
        keytool("-certreq", "-alias", name, "-keystore", issuedKeyStore.toString(), "-file", request.toString());
        keytool("-gencert", "-alias", alias, "-keystore", keyStoreFile.toString(), "-infile", request.toString(),
                "-outfile", signed.toString(), "-rfc", "-validity", "2", "-ext", "eku=clientAuth");
        keytool("-importcert", "-noprompt", "-alias", alias, "-file", certPem.toString(),
                "-keystore", issuedKeyStore.toString());
        keytool("-importcert", "-noprompt", "-alias", name, "-file", signed.toString(),
                "-keystore", issuedKeyStore.toString());
        return load(dir, name, issuedKeyStore);
    }

    private static TestCertificate load(Path dir, String name, Path keyStoreFile) throws Exception {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStoreFile)) {
            keyStore.load(in, PASSWORD);
        }
        Certificate certificate = keyStore.getCertificate(name);
        PrivateKey key = (PrivateKey) keyStore.getKey(name, PASSWORD);
        Path certPem = Files.writeString(dir.resolve(name + "-cert.pem"), pem("CERTIFICATE", certificate.getEncoded()));
        Path keyPem = Files.writeString(dir.resolve(name + "-key.pem"), pem("PRIVATE KEY", key.getEncoded()));
        return new TestCertificate(name, keyStoreFile, certPem, keyPem, keyStore);
    }

    private static void keytool(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("keytool"));
        command.addAll(List.of(arguments));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", new String(PASSWORD)));
        if (arguments[0].equals("-genkeypair")) {
            command.addAll(List.of("-keypass", new String(PASSWORD)));
        }
        Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!keytool.waitFor(30, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", arguments) + " failed: " + output);
        }
    }

    /** A client context that trusts {@code server}, presenting this certificate when {@code withClientCertificate}. */
    SSLContext clientContext(TestCertificate server, boolean withClientCertificate) throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(server.keyStore);
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keyStore, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(withClientCertificate ? keys.getKeyManagers() : null, trust.getTrustManagers(), null);
        return context;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
