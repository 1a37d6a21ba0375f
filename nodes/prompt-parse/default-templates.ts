import type { Language } from "./template.js";

export interface AdTemplates {
  headline: string;
  cta: string;
  /** The call to action when there is no brand to name. */
  ctaWithoutBrand: string;
  disclaimer: string;
  voiceover: string;
}

/** What an ad says when the template leaves a text empty, per voice-over language. */
export const DEFAULT_TEMPLATES: Record<Language, AdTemplates> = {
  en: {
    headline: "{{product_name}} now {{price}}",
    cta: "Shop now at {{brand_name}}",
    ctaWithoutBrand: "Shop now",
    disclaimer: "Price incl. VAT. While stocks last.",
    voiceover: "Meet the {{product_name}}. {{description}} Now only {{price}}. {{cta}}.",
  },
  da: {
    headline: "{{product_name}} nu {{price}}",
    cta: "Køb nu hos {{brand_name}}",
    ctaWithoutBrand: "Køb nu",
    disclaimer: "Pris inkl. moms. Så længe lager haves.",
    voiceover: "Mød {{product_name}}. {{description}} Nu kun {{price}}. {{cta}}.",
  },
  de: {
    headline: "{{product_name}} jetzt {{price}}",
    cta: "Jetzt bei {{brand_name}} kaufen",
    ctaWithoutBrand: "Jetzt kaufen",
    disclaimer: "Preis inkl. MwSt. Solange der Vorrat reicht.",
    voiceover: "Das ist {{product_name}}. {{description}} Jetzt nur {{price}}. {{cta}}.",
  },
  sv: {
    headline: "{{product_name}} nu {{price}}",
    cta: "Köp nu hos {{brand_name}}",
    ctaWithoutBrand: "Köp nu",
    disclaimer: "Pris inkl. moms. Så länge lagret räcker.",
    voiceover: "Möt {{product_name}}. {{description}} Nu endast {{price}}. {{cta}}.",
  },
};
