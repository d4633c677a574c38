package dev.tether.demo;

import java.io.PrintStream;

/** Prints the demo as a story a first-time reader can follow: chapters, what we do, what Tether answered. */
final class Narrator {
    private final PrintStream out;
    private int chapter;

    Narrator(PrintStream out) {
        this.out = out;
    }

    void title(String text) {
        out.println();
        out.println(text);
        out.println("=".repeat(text.length()));
    }

    void chapter(String text) {
        chapter++;
        out.println();
        out.println(chapter + ". " + text);
    }

    void say(String text) {
        out.println("   " + text);
    }

    void call(String what) {
        out.println("   -> " + what);
    }

    void answer(String code, String message) {
        out.println("   <- " + code + (message == null || message.isBlank() ? "" : ": " + message));
    }

    void raw(String line) {
        out.println(line);
    }
}
