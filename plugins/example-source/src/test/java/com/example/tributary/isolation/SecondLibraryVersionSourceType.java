package com.example.tributary.isolation;

import org.pf4j.Extension;

/** The source type of the second isolation plugin. */
@Extension
public final class SecondLibraryVersionSourceType extends LibraryVersionSourceType {
    public SecondLibraryVersionSourceType() {
        super("second_library_version");
    }
}
