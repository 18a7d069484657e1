package io.tributary.testkit;

import java.util.concurrent.CountDownLatch;

/** A stand-in for the agent's main class: prints, exits or serves as its first argument says. */
final class EchoMain {

    private EchoMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        switch (args[0]) {
            case "print" -> {
                for (int i = 1; i < args.length; i++) {
                    System.out.println(args[i]);
                }
                System.err.println("done on stderr");
            }
            case "exit" -> System.exit(Integer.parseInt(args[1]));
            case "env" -> System.out.println(args[1] + "=" + System.getenv(args[1]));
            case "serve" -> {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("stopping gracefully")));
                System.out.println("serving");
                new CountDownLatch(1).await();
            }
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }
}
