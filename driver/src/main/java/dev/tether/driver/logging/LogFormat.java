package dev.tether.driver.logging;

/** How log lines are written: for people ({@code text}) or for a log pipeline ({@code json}). */
public enum LogFormat {
    text, json
}
