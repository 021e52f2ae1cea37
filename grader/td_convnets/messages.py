"""The convolutional-networks lab's own sentences: its hints, notes and named forms."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {  # each key's English and French side by side
    "what.base": {
        "en": "base_model",
        "fr": "base_model",
    },
    "what.added_layers": {
        "en": "layers added after base_model",
        "fr": "couches ajoutées après base_model",
    },
    "what.base_trainable": {
        "en": "trainable parameters of base_model",
        "fr": "paramètres entraînables de base_model",
    },
    "what.base_changed": {
        "en": "parameters of base_model changed",
        "fr": "paramètres de base_model modifiés",
    },
    "value.base_unused": {
        "en": "base_model is not used by the returned model",
        "fr": "base_model n'est pas utilisé par le modèle renvoyé",
    },
    "note.model_built_by_grader": {
        "en": "{where}: the model had no input shape; the grader built it with input_shape={input_shape}. Add keras.Input(shape=input_shape) to build it yourself.",
        "fr": "{where} : le modèle n'avait pas de forme d'entrée ; le correcteur l'a construit avec input_shape={input_shape}. Ajoutez keras.Input(shape=input_shape) pour le construire vous-même.",
    },
    "value.form.preprocess_input": {
        "en": "keras.applications.resnet50.preprocess_input",
        "fr": "keras.applications.resnet50.preprocess_input",
    },
    "value.form.divided_by_255": {
        "en": "pixels divided by 255 (not ResNet50's preprocessing)",
        "fr": "pixels divisés par 255 (pas le prétraitement de ResNet50)",
    },
    "value.form.raw_pixels": {
        "en": "raw pixels (no preprocessing)",
        "fr": "pixels bruts (sans prétraitement)",
    },
    "value.form.rgb_minus_mean": {
        "en": "RGB minus the mean, without ResNet's swap to BGR",
        "fr": "RGB moins la moyenne, sans le passage en BGR de ResNet",
    },
    "value.form.bgr_without_mean": {
        "en": "BGR without ResNet's mean subtraction",
        "fr": "BGR sans la soustraction de la moyenne de ResNet",
    },
    "value.form.scaled_to_minus1_1": {
        "en": "pixels scaled to [-1, 1] (not ResNet50's preprocessing)",
        "fr": "pixels ramenés à [-1, 1] (pas le prétraitement de ResNet50)",
    },
    "hint.q5.check_array_form": {
        "en": "ResNet50 expects its inputs prepared the way its ImageNet weights were trained, which is neither raw pixels nor a scaling to [0, 1]: see the preprocessing function on keras.applications' ResNet50 page.",
        "fr": "ResNet50 attend ses entrées préparées comme l'ont été celles de son apprentissage sur ImageNet, ni pixels bruts ni ramenées à [0, 1] : voyez la fonction de prétraitement sur la page ResNet50 de keras.applications.",
    },
    "hint.q1.check_one_hot": {
        "en": "A categorical cross-entropy compares with one-hot rows, one column per class: see keras.utils' page on turning class vectors into matrices.",
        "fr": "Une entropie croisée catégorielle compare à des lignes one-hot, une colonne par classe : voyez la page de keras.utils qui transforme des vecteurs de classes en matrices.",
    },
    "hint.q6.check_base_trainable": {
        "en": "Freezing the base means training updates none of its weights: see keras's transfer learning guide (the trainable attribute, and when to set it relative to compile).",
        "fr": "Geler la base, c'est qu'aucun de ses poids ne change à l'apprentissage : voyez le guide keras d'apprentissage par transfert (l'attribut trainable, et quand le régler par rapport à compile).",
    },
    "hint.q6.check_base_changes": {
        "en": "Freezing the base means training updates none of its weights: see keras's transfer learning guide (the trainable attribute, and when to set it relative to compile).",
        "fr": "Geler la base, c'est qu'aucun de ses poids ne change à l'apprentissage : voyez le guide keras d'apprentissage par transfert (l'attribut trainable, et quand le régler par rapport à compile).",
    },
    "hint.q7.check_base_trainable": {
        "en": "Fine-tuning makes the base trainable again, and only a new compile takes it into account: see the fine-tuning part of keras's transfer learning guide.",
        "fr": "L'ajustement fin rend la base de nouveau entraînable, et seule une nouvelle compilation en tient compte : voyez la partie « fine-tuning » du guide keras d'apprentissage par transfert.",
    },
    "hint.q7.check_optimizer": {
        "en": "The learning rate belongs to the optimizer object given to compile: see the Adam page among keras's optimizers.",
        "fr": "Le taux d'apprentissage appartient à l'objet optimiseur donné à compile : voyez la page d'Adam parmi les optimiseurs de keras.",
    },
}
