package dev.tether.controller.backend;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** "1073741824", "512Mi", "100Gi", "1Ti" -> bytes (binary units, as Kubernetes quantities). */
public final class ByteSizeConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        String text = value.strip();
        long unit = 1;
        for (String[] suffix : new String[][] {{"ki", "10"}, {"mi", "20"}, {"gi", "30"}, {"ti", "40"}, {"pi", "50"}}) {
            if (text.toLowerCase(Locale.ROOT).endsWith(suffix[0])) {
                unit = 1L << Integer.parseInt(suffix[1]);
                text = text.substring(0, text.length() - 2);
                break;
            }
        }
        try {
            long number = Long.parseLong(text);
            if (number <= 0 || number > Long.MAX_VALUE / unit) {
                throw new TypeConversionException("'" + value + "' is not a positive size");
            }
            return number * unit;
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a size (bytes, or a number with Ki, Mi, Gi, Ti, Pi)");
        }
    }
}
